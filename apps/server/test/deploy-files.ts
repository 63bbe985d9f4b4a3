import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parser as promqlParser } from '@prometheus-io/lezer-promql';
import { parse, parseAllDocuments } from 'yaml';

/** Reading the files under deploy/ (and the Dockerfile) the way their tools do, for deploy-files.test.ts. */
export const ROOT = join(import.meta.dirname, '../../..');
export const DEPLOY = join(ROOT, 'deploy');
export const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** Compose merges `<<:` keys, as Compose itself does. */
export const compose = () => parse(read('deploy/compose.yaml'), { merge: true }) as ComposeFile;

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
}
export interface ComposeFile {
  services: Record<string, ComposeService>;
}

/** Every Kubernetes object in deploy/kubernetes (every document of every file, the kustomization aside). */
export function kubernetesObjects(): { file: string; object: any }[] {
  const dir = join(DEPLOY, 'kubernetes');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml')
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((document) => {
        if (document.errors.length) throw new Error(`${file}: ${document.errors.map((e) => e.message).join('; ')}`);
        return { file, object: document.toJS() };
      }),
    );
}

/** The containers (init containers too) of a workload, whichever kind holds the pod template. */
export const containersOf = (object: any): any[] => {
  const spec = object?.spec?.template?.spec;
  return spec ? [...(spec.initContainers ?? []), ...spec.containers] : [];
};

/** `KEY=value` lines of an env file (.env.example, the systemd environment file). */
export const envFileKeys = (text: string) => [...text.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!);

/** The variables the Dockerfile's ENV instructions set (continuation lines joined). */
export function dockerfileEnvKeys(text: string): string[] {
  const instructions = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  return instructions.filter((line) => /^ENV\s/i.test(line)).flatMap((line) => [...line.slice(3).matchAll(/([A-Z][A-Z0-9_]*)=/g)].map((m) => m[1]!));
}

/** `${VAR:-default}` → default, `${VAR:?message}` → the stand-in a filled-in deploy/.env would give. */
export const interpolate = (value: string, required: Record<string, string>) =>
  String(value).replace(/\$\{([A-Z_]+)(?::?([-?]))?([^}]*)\}/g, (_match, name: string, op: string | undefined, rest: string) => (op === '-' ? rest : (required[name] ?? '')));

/** Metric names a PromQL expression reads; throws on a syntax error (Grafana queries meet no promtool). */
export function metricNames(expr: string): string[] {
  const tree = promqlParser.parse(expr);
  const names: string[] = [];
  const cursor = tree.cursor();
  do {
    if (cursor.type.isError) throw new Error(`PromQL syntax error at ${cursor.from} in: ${expr}`);
    if (cursor.name === 'Identifier' && cursor.node.parent?.name === 'VectorSelector') names.push(expr.slice(cursor.from, cursor.to));
  } while (cursor.next());
  return names;
}

/** Every query of the Grafana dashboard (rows' nested panels too). */
export function dashboardQueries(): string[] {
  const dashboard = JSON.parse(read('deploy/grafana/marketplace-dashboard.json'));
  const panels = (list: any[]): any[] => list.flatMap((panel) => [panel, ...panels(panel.panels ?? [])]);
  return panels(dashboard.panels).flatMap((panel) => (panel.targets ?? []).map((target: { expr: string }) => target.expr));
}

export const alertQueries = (): string[] => (parse(read('deploy/prometheus/alerts.yaml')) as { groups: { rules: { expr: string }[] }[] }).groups.flatMap((group) => group.rules.map((rule) => rule.expr));

/** Metric names a /metrics scrape exports, with the series names histograms and summaries add. */
export function exportedMetricNames(scrape: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of scrape.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(`${name}${suffix}`);
  }
  return names;
}
