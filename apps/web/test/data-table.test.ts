// @vitest-environment happy-dom
import { createElement, Fragment } from 'react';
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { DataTable, type Column } from '../src/components/data-table';

interface Key {
  id: string;
  name: string;
  revoked: boolean;
}

const rows: Key[] = [
  { id: 'k1', name: 'ci deploy', revoked: false },
  { id: 'k2', name: 'old laptop', revoked: true },
];
const columns: Column<Key>[] = [
  { key: 'name', header: 'Name', cell: (key) => createElement('strong', null, key.name) },
  { key: 'status', header: 'Status', cell: (key) => (key.revoked ? 'Revoked' : 'Active'), className: (key) => (key.revoked ? 'bad' : 'good') },
];

afterEach(cleanup);

describe('DataTable', () => {
  it('is a focusable scroll region named by its heading, with column headers and a labelled cell per column', () => {
    render(createElement(Fragment, null, createElement('h2', { id: 'keys-title' }, 'API keys'), createElement(DataTable<Key>, { labelledBy: 'keys-title', columns, rows, rowKey: (key) => key.id })));
    const region = screen.getByRole('region', { name: 'API keys' });
    expect(region.tabIndex).toBe(0);
    const table = within(region).getByRole('table');
    expect(table.classList.contains('stack')).toBe(true);
    const headers = within(table).getAllByRole('columnheader');
    expect(headers.map((th) => [th.textContent, th.getAttribute('scope')])).toEqual([
      ['Name', 'col'],
      ['Status', 'col'],
    ]);
    const bodyRows = within(table).getAllByRole('row').slice(1);
    expect(bodyRows.map((row) => [...row.querySelectorAll('td')].map((td) => [td.dataset.label, td.textContent, td.className]))).toEqual([
      [
        ['Name', 'ci deploy', ''],
        ['Status', 'Active', 'good'],
      ],
      [
        ['Name', 'old laptop', ''],
        ['Status', 'Revoked', 'bad'],
      ],
    ]);
  });

  it('takes a label when no heading names it, and can keep its columns side by side on narrow screens', () => {
    render(createElement(DataTable<Key>, { label: 'Usage by model', stack: false, columns, rows, rowKey: (key) => key.id }));
    const region = screen.getByRole('region', { name: 'Usage by model' });
    expect(within(region).getByRole('table').classList.contains('stack')).toBe(false);
  });

  it('shows the empty state instead of the table when there are no rows, or only the headers when it has none', () => {
    render(createElement(DataTable<Key>, { label: 'Keys', columns, rows: [], rowKey: (key) => key.id, empty: createElement('p', null, 'Nothing here yet') }));
    expect(screen.queryByRole('table')).toBeNull();
    expect(screen.getByText('Nothing here yet')).toBeTruthy();
    cleanup();
    render(createElement(DataTable<Key>, { label: 'Keys', columns, rows: [], rowKey: (key) => key.id }));
    expect(screen.getAllByRole('columnheader')).toHaveLength(2);
    expect(screen.getAllByRole('row')).toHaveLength(1);
  });
});
