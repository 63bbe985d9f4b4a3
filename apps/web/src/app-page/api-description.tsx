import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { callRoute } from '../api/api';
import type { VersionDetail } from '../api/types';
import { DataTable } from '../components/data-table';
import { QueryState } from '../components/query-state';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Untrusted JSON (served by the app during validation) read defensively: only plain objects and strings come through. */
const record = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

interface Endpoint {
  method: string;
  path: string;
  summary: string;
}
interface Property {
  name: string;
  type: string;
  required: boolean;
  description: string;
}

export function endpointsOf(openapi: Record<string, unknown>): Endpoint[] {
  return Object.entries(record(openapi.paths)).flatMap(([path, item]) =>
    METHODS.filter((method) => method in record(item)).map((method) => ({ method: method.toUpperCase(), path, summary: text(record(record(item)[method]).summary) })),
  );
}

/** A property's type as a person reads it: `string (email)`, `one of: open, closed`, `array of Laptop`. */
function typeOf(schema: Record<string, unknown>): string {
  if (Array.isArray(schema.enum)) return `${schema.enum.filter((v) => typeof v === 'string').join(' | ')}`;
  const ref = text(schema.$ref);
  if (ref) return ref.split('/').pop() ?? ref;
  if (schema.type === 'array') return `${typeOf(record(schema.items))}[]`;
  const format = text(schema.format);
  return `${text(schema.type) || 'object'}${format ? ` (${format})` : ''}`;
}

export function schemasOf(openapi: Record<string, unknown>): { name: string; properties: Property[] }[] {
  return Object.entries(record(record(openapi.components).schemas)).map(([name, value]) => {
    const schema = record(value);
    const required = new Set(Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : []);
    return {
      name,
      properties: Object.entries(record(schema.properties)).map(([property, definition]) => ({ name: property, type: typeOf(record(definition)), required: required.has(property), description: text(record(definition).description) })),
    };
  });
}

/**
 * A generated API's OpenAPI document, as the app served it while it was validated: its endpoints and
 * record schemas as tables, the whole document as JSON below them.
 */
export function ApiDescription({ appId, version }: { appId: string; version: string }) {
  const { t } = useTranslation();
  const detail = useQuery({ queryKey: ['version', appId, version], queryFn: () => callRoute<VersionDetail>('getVersion', { params: { id: appId, version } }) });
  return (
    <section aria-labelledby="api-title" className="panel" data-testid="api-description">
      <h2 id="api-title">{t('appPage.api.title')}</h2>
      <QueryState query={detail} empty={<p className="muted">{t('appPage.api.none')}</p>}>
        {(data) => {
          const openapi = record(data.validationReport.openapi);
          if (!openapi.openapi) return <p className="muted">{t('appPage.api.none')}</p>;
          const endpoints = endpointsOf(openapi);
          return (
            <>
              <p className="muted small">{t('appPage.api.intro')}</p>
              <h3 id="api-endpoints">{t('appPage.api.endpoints')}</h3>
              <DataTable
                labelledBy="api-endpoints"
                rows={endpoints}
                rowKey={(row) => `${row.method} ${row.path}`}
                columns={[
                  { key: 'endpoint', header: t('appPage.api.endpoint'), cell: (row) => <code>{`${row.method} ${row.path}`}</code> },
                  { key: 'summary', header: t('appPage.api.summary'), cell: (row) => row.summary },
                ]}
              />
              <h3>{t('appPage.api.schemas')}</h3>
              {schemasOf(openapi).map((schema) => (
                <div key={schema.name}>
                  <h4 id={`api-schema-${schema.name}`}>
                    <code>{schema.name}</code>
                  </h4>
                  <DataTable
                    labelledBy={`api-schema-${schema.name}`}
                    rows={schema.properties}
                    rowKey={(row) => row.name}
                    columns={[
                      { key: 'field', header: t('appPage.api.field'), cell: (row) => <code>{row.name}</code> },
                      { key: 'type', header: t('appPage.api.type'), cell: (row) => <code>{row.type}</code> },
                      { key: 'required', header: t('appPage.api.required'), cell: (row) => (row.required ? t('appPage.api.yes') : t('appPage.api.no')) },
                      { key: 'description', header: t('appPage.api.description'), cell: (row) => row.description },
                    ]}
                  />
                </div>
              ))}
              <details>
                <summary>{t('appPage.api.raw')}</summary>
                <pre className="code small" tabIndex={0}>
                  {JSON.stringify(openapi, null, 2)}
                </pre>
              </details>
            </>
          );
        }}
      </QueryState>
    </section>
  );
}
