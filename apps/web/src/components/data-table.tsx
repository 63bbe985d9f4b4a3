import type { ReactNode } from 'react';

export interface Column<Row> {
  /** Stable React key of the column. */
  key: string;
  /** The column header; also each cell's data-label, which the narrow-screen CSS shows beside the value. */
  header: string;
  cell: (row: Row) => ReactNode;
  className?: string | ((row: Row) => string | undefined);
}

/** The scroll region is named by a visible heading (its id), or by a label when there is none. */
type RegionName = { labelledBy: string; label?: undefined } | { label: string; labelledBy?: undefined };

export type DataTableProps<Row> = RegionName & {
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string;
  /** Stack each row's cells under their labels on narrow screens (table.stack in styles.css); on by default. */
  stack?: boolean;
  /** Shown instead of the table when there are no rows; without it an empty table keeps its headers. */
  empty?: ReactNode;
};

/** A list page's table: a focusable, named scroll region around column headers and labelled cells. */
export function DataTable<Row>({ columns, rows, rowKey, stack = true, empty, labelledBy, label }: DataTableProps<Row>) {
  if (rows.length === 0 && empty !== undefined) return <>{empty}</>;
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-labelledby={labelledBy} aria-label={label}>
      <table className={stack ? 'stack' : undefined}>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.key} scope="col">
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((column) => (
                <td key={column.key} data-label={column.header} className={typeof column.className === 'function' ? column.className(row) : column.className}>
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
