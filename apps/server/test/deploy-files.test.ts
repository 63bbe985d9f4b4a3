import { execFile } from 'node:child_process';
import { Command } from 'commander';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerDb } from '../src/cli/commands/db.js';
import { registerServe } from '../src/cli/commands/serve.js';
import { loadConfig } from '../src/config/config.js';
import { roleSettingProblems } from '../src/composition/role-settings.js';
import { ROLES } from '../src/composition/server.js';
import { registerJobQueueMetrics, registerMailHubMetrics } from '../src/composition/ops-server.js';
import { processMetrics } from '../src/plugins/metrics.js';
import { mailChannelMode } from '../src/modules/mail-intake/mail-channel-mode.js';
import { createTestApp, type TestApp } from './helper.js';
import { requireBinary } from './system-binary.js';
import {
  DEPLOY,
  ROOT,
  alertQueries,
  compose,
  containersOf,
  dashboardQueries,
  dockerfileEnvKeys,
  envFileKeys,
  exportedMetricNames,
  interpolate,
  kubernetesObjects,
  metricNames,
  read,
} from './deploy-files.js';

const run = promisify(execFile);
const documented = new Set(envFileKeys(read('.env.example')));
/** What a filled-in deploy/.env or Secret gives the required settings. */
const SECRETS = { POSTGRES_PASSWORD: 'a-database-password', JWT_SECRET: 'j'.repeat(48), ROOT_KEY_PASSPHRASE: 'a-root-key-passphrase' };
const MARKETPLACE_SERVICES = ['migrate', 'api', 'worker', 'smtp'];
const ROLE_SERVICES = ['api', 'worker', 'smtp'] as const;

const services = compose().services;
const k8s = kubernetesObjects();
const byKindName = (kind: string, name: string) => k8s.find(({ object }) => object.kind === kind && object.metadata.name === name)?.object;
const configMap = byKindName('ConfigMap', 'marketplace-config').data as Record<string, string>;
const secret = (parse(read('deploy/kubernetes/secret.example.yaml')) as { stringData: Record<string, string> }).stringData;
const marketplaceContainers = k8s.flatMap(({ object }) => containersOf(object).filter((c) => c.image === 'marketplace').map((container) => ({ workload: object.metadata.name as string, container })));
/** A container's environment as the kubelet builds it: the ConfigMap and the Secret, then its own env. */
const k8sEnv = (container: any) => ({ ...configMap, ...(secret.JWT_SECRET ? { ...secret, JWT_SECRET: SECRETS.JWT_SECRET } : secret), ...Object.fromEntries((container.env ?? []).map((e: { name: string; value: string }) => [e.name, e.value])) });
const composeEnv = (name: string) => Object.fromEntries(Object.entries(services[name]!.environment ?? {}).map(([key, value]) => [key, interpolate(value, SECRETS)]));
const systemdUnits = readdirSync(join(DEPLOY, 'systemd')).filter((file) => /\.(service|target)$/.test(file));
const systemdEnvText = read('deploy/systemd/marketplace.env.example');

describe('every environment variable the deployment files set is a documented setting that loads', () => {
  it('names only settings .env.example documents', () => {
    const set = [
      ...dockerfileEnvKeys(read('Dockerfile')).map((key) => `Dockerfile ${key}`),
      ...MARKETPLACE_SERVICES.flatMap((name) => Object.keys(services[name]!.environment ?? {}).map((key) => `compose ${name} ${key}`)),
      ...Object.keys(configMap).map((key) => `kubernetes ConfigMap ${key}`),
      ...Object.keys(secret).map((key) => `kubernetes Secret ${key}`),
      ...marketplaceContainers.flatMap(({ workload, container }) => (container.env ?? []).map((e: { name: string }) => `kubernetes ${workload} ${e.name}`)),
      ...envFileKeys(systemdEnvText).map((key) => `systemd marketplace.env ${key}`),
      ...systemdUnits.flatMap((unit) => [...read(`deploy/systemd/${unit}`).matchAll(/^Environment="?([A-Z][A-Z0-9_]*)=/gm)].map((m) => `systemd ${unit} ${m[1]}`)),
    ];
    expect(set.length).toBeGreaterThan(40);
    expect(set.filter((entry) => !documented.has(entry.split(' ').at(-1)!))).toEqual([]);
  });

  it('Compose: every role loads its settings; only the smtp role runs the mail listener, the others send to it', () => {
    for (const name of MARKETPLACE_SERVICES) {
      const config = loadConfig(composeEnv(name));
      expect(config, name).toMatchObject({ env: 'production', databaseUrl: expect.stringMatching(/^postgres:\/\/marketplace:.+@postgres:5432\//), redisUrl: 'redis://redis:6379', rootKey: { passphrase: SECRETS.ROOT_KEY_PASSPHRASE } });
    }
    const smtp = loadConfig(composeEnv('smtp'));
    expect(smtp.smtp.host).toBeUndefined();
    expect(() => mailChannelMode(smtp)).not.toThrow();
    for (const name of ['api', 'worker'] as const) {
      const config = loadConfig(composeEnv(name));
      expect(config.smtp.host, name).toBeUndefined();
      expect(config.mailHub, name).toMatchObject({ host: 'smtp', port: smtp.smtp.listenPort, hostSet: true });
    }
    // Each role has what it checks for at start (signing passphrase, a mail target, the shared stores).
    for (const role of ['api', 'worker', 'smtp'] as const) expect(roleSettingProblems(role, loadConfig(composeEnv(role))), role).toEqual([]);
  });

  it('Kubernetes: every container loads its settings; the smtp role listens on the port its probes and Service use', () => {
    for (const { workload, container } of marketplaceContainers) expect(() => loadConfig(k8sEnv(container)), workload).not.toThrow();
    const smtp = containersOf(byKindName('Deployment', 'marketplace-smtp')).find((c) => c.name === 'smtp');
    const config = loadConfig(k8sEnv(smtp));
    expect(config.smtp.host).toBeUndefined();
    expect(() => mailChannelMode(config)).not.toThrow();
    expect(smtp.ports).toEqual([{ name: 'smtp', containerPort: config.smtp.listenPort }, { name: 'ops', containerPort: config.ops!.port }]);
    const api = containersOf(byKindName('Deployment', 'marketplace-api')).find((c) => c.name === 'api');
    expect(api.ports).toEqual([{ name: 'http', containerPort: loadConfig(k8sEnv(api)).port }]);
  });

  it('systemd: the environment file loads once its secrets are filled in', () => {
    const env = Object.fromEntries([...systemdEnvText.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1], m[2]]));
    expect(() => loadConfig({ ...env, JWT_SECRET: SECRETS.JWT_SECRET, ROOT_KEY_PASSPHRASE: SECRETS.ROOT_KEY_PASSPHRASE })).not.toThrow();
  });
});

// One server in this process, for the probe paths and the /metrics scrape.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 120_000);
afterAll(async () => t?.close());

describe('probes, commands and images', () => {
  it('every HTTP probe path is a route that answers 200 on a ready server', async () => {
    const paths = new Set<string>();
    for (const { container } of marketplaceContainers) for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) if (container[probe]?.httpGet) paths.add(container[probe].httpGet.path);
    for (const name of ROLE_SERVICES) for (const [, path] of (services[name]!.healthcheck?.test.join(' ') ?? '').matchAll(/http:\/\/127\.0\.0\.1:\d+(\/[a-z]+)/g)) paths.add(path!);
    expect([...paths].sort()).toEqual(['/healthz', '/readyz']);
    for (const path of paths) {
      expect(t.app.hasRoute({ method: 'GET', url: path }), path).toBe(true);
      expect((await t.app.inject(path)).statusCode, path).toBe(200);
    }
  });

  it('the worker and smtp roles, which build no HTTP app, are probed over HTTP on the operations endpoint their OPS_PORT opens', () => {
    for (const role of ['worker', 'smtp'] as const) {
      // Kubernetes: the probes name the container's `ops` port, which is the OPS_PORT its settings load; readiness is /readyz.
      const container = containersOf(byKindName('Deployment', `marketplace-${role}`)).find((c) => c.name === role);
      const ops = loadConfig(k8sEnv(container)).ops;
      expect(ops, role).toEqual({ host: '0.0.0.0', port: 9464 });
      expect(container.ports.find((p: { name: string }) => p.name === 'ops'), role).toEqual({ name: 'ops', containerPort: ops!.port });
      for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) expect(container[probe].httpGet.port, `${role} ${probe}`).toBe('ops');
      expect(container.readinessProbe.httpGet.path, role).toBe('/readyz');
      // Compose: the healthcheck asks /readyz on the port the service's OPS_PORT sets.
      const composeOps = loadConfig(composeEnv(role)).ops!;
      expect(services[role]!.healthcheck!.test.join(' '), role).toContain(`http://127.0.0.1:${composeOps.port}/readyz`);
    }
    // systemd: one host, one environment file: each unit sets an OPS_PORT of its own, on loopback (HOST).
    const unitPorts = (['worker', 'smtp'] as const).map((role) => /^Environment=OPS_PORT=(\d+)$/m.exec(read(`deploy/systemd/marketplace-${role}.service`))?.[1]);
    expect(unitPorts.every(Boolean) && new Set(unitPorts).size === 2, String(unitPorts)).toBe(true);
    expect(/^HOST=(.*)$/m.exec(systemdEnvText)?.[1]).toBe('127.0.0.1');
  });

  it('every marketplace command the files run exists, with a role the server knows', async () => {
    const invocations: string[][] = [
      ...MARKETPLACE_SERVICES.map((name) => services[name]!.command!),
      ...marketplaceContainers.flatMap(({ container }) => [container.args, ...['readinessProbe', 'livenessProbe'].map((p) => container[p]?.exec?.command?.slice(1))].filter(Boolean)),
      ...systemdUnits.flatMap((unit) => [...read(`deploy/systemd/${unit}`).matchAll(/^ExecStart=\S*\/marketplace (.+)$/gm)].map((m) => m[1]!.split(' '))),
      JSON.parse(/^CMD (.+)$/m.exec(read('Dockerfile'))![1]!),
    ];
    const roles = invocations.flatMap((args) => (args.includes('--role') ? [args[args.indexOf('--role') + 1]!] : []));
    expect(new Set(roles)).toEqual(new Set(['api', 'worker', 'smtp', 'all']));
    expect(roles.filter((role) => !(ROLES as string[]).includes(role))).toEqual([]);
    const commands = [...new Set(invocations.map((args) => args.filter((word, i) => !word.startsWith('-') && args[i - 1] !== '--role').join(' ')))].sort();
    expect(commands).toEqual(['db migrate', 'db status', 'serve']);
    // The command tree the `marketplace` bin registers (cli/main.ts), built here without running it.
    const program = new Command('marketplace');
    registerServe(program);
    registerDb(program);
    for (const command of commands) {
      const found = command.split(' ').reduce<Command | undefined>((parent, word) => parent?.commands.find((c) => c.name() === word), program);
      expect(found, command).toBeDefined();
    }
    for (const register of ['registerServe', 'registerDb']) expect(read('apps/server/src/cli/main.ts')).toContain(register);
  });

  it('Compose runs every role and the migrations from the image the Dockerfile builds, after the migrations', () => {
    const image = services.api!.image;
    for (const name of MARKETPLACE_SERVICES) {
      expect(services[name], name).toMatchObject({ image, build: { dockerfile: 'Dockerfile' } });
      expect(existsSync(join(resolve(DEPLOY, services[name]!.build!.context), services[name]!.build!.dockerfile)), name).toBe(true);
    }
    for (const role of ROLE_SERVICES) {
      expect(services[role]!.command).toEqual(['serve', '--role', role]);
      expect(services[role]!.depends_on).toMatchObject({ migrate: { condition: 'service_completed_successfully' }, postgres: { condition: 'service_healthy' } });
      expect(services[role]!.healthcheck?.test[0], role).toBe('CMD');
    }
    expect(services.migrate!.command).toEqual(['db', 'migrate']);
    expect(services.clamd!.profiles).toEqual(['scan']);
    expect(services.rspamd!.profiles).toEqual(['spam']);
  });

  it('Kubernetes: Deployments for each role, a Service and Ingress for the API, autoscalers for api and worker, a migrations Job, all from one image', () => {
    const kustomization = parse(read('deploy/kubernetes/kustomization.yaml')) as { resources: string[]; images: { name: string }[] };
    for (const file of kustomization.resources) expect(existsSync(join(DEPLOY, 'kubernetes', file)), file).toBe(true);
    expect(kustomization.images.map((i) => i.name)).toEqual(['marketplace']);
    for (const role of ROLE_SERVICES) expect(containersOf(byKindName('Deployment', `marketplace-${role}`)).find((c) => c.name === role)?.args).toEqual(['serve', '--role', role]);
    expect(containersOf(byKindName('Job', 'marketplace-migrate'))[0].args).toEqual(['db', 'migrate']);
    const hpaTargets = k8s.filter(({ object }) => object.kind === 'HorizontalPodAutoscaler').map(({ object }) => object.spec.scaleTargetRef.name);
    expect(hpaTargets.sort()).toEqual(['marketplace-api', 'marketplace-worker']);
    const backend = byKindName('Ingress', 'marketplace').spec.rules[0].http.paths[0].backend.service;
    const service = byKindName('Service', backend.name);
    expect(service.spec.ports.map((p: { name: string }) => p.name)).toContain(backend.port.name);
    expect(service.spec.selector).toEqual(byKindName('Deployment', 'marketplace-api').spec.template.metadata.labels);
    // Every container runs as the image's unprivileged user.
    for (const { object } of k8s.filter(({ object }) => containersOf(object).length)) expect(object.spec.template.spec.securityContext.runAsNonRoot, object.metadata.name).toBe(true);
  });

  it('the Dockerfile builds the JavaScript in one stage and runs it unprivileged in another, with every workspace installed', () => {
    const dockerfile = read('Dockerfile');
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
    expect(dockerfile).toMatch(/^RUN npm run build\b/m);
    expect(dockerfile).toMatch(/^COPY --from=build\b/m);
    const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(/^USER (\S+)$/m.exec(finalStage)?.[1]).not.toMatch(/^(root|0)$/);
    // npm ci in the first layer needs every workspace's package.json.
    const workspaces = ['apps', 'packages'].flatMap((dir) => readdirSync(join(ROOT, dir)).filter((name) => existsSync(join(ROOT, dir, name, 'package.json'))).map((name) => `${dir}/${name}/package.json`));
    for (const manifest of workspaces) expect(dockerfile, manifest).toContain(`COPY ${manifest} `);
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['**/node_modules', '.env', 'data']) expect(ignored).toContain(entry);
  });

  it('systemd: one unit per role after the migrations, all in one target', async () => {
    const target = read('deploy/systemd/marketplace.target');
    for (const role of ROLE_SERVICES) {
      const unit = read(`deploy/systemd/marketplace-${role}.service`);
      expect(unit).toMatch(new RegExp(`^ExecStart=\\S+/marketplace serve --role ${role}$`, 'm'));
      expect(unit).toMatch(/^After=.*marketplace-migrate\.service/m);
      expect(unit).toMatch(/^User=marketplace$/m);
      expect(target).toContain(`marketplace-${role}.service`);
    }
    const analyze = requireBinary('systemd-analyze', 'systemd');
    if (!analyze) return;
    const result = await run(analyze, ['verify', ...systemdUnits.map((unit) => join(DEPLOY, 'systemd', unit))]).catch((error) => error as { stderr: string });
    // The units point at the installed command, which this checkout does not have at /opt/marketplace.
    const problems = result.stderr.split('\n').filter((line) => line.trim() && !/is not executable: No such file or directory/.test(line));
    expect(problems).toEqual([]);
  });
});

describe('monitoring: alert rules that Prometheus accepts, on metrics the server exports', () => {
  let exported: Set<string>;
  beforeAll(async () => {
    exported = exportedMetricNames((await t.app.inject('/metrics')).body);
    // The worker and smtp roles' operations endpoint: the registry ops-server.ts builds, with a hub and a queue.
    const ops = processMetrics(t.app.database);
    registerMailHubMetrics(ops, { failure: () => null, restarts: () => 0 });
    registerJobQueueMetrics(ops, { status: () => ({ state: 'started', working: true, workers: 1, running: 0, handled: [] }) });
    for (const name of exportedMetricNames(await ops.metrics())) exported.add(name);
  });

  it('promtool accepts the alert rules and the example Prometheus configuration, and the rules pass their unit tests', async () => {
    const promtool = requireBinary('promtool', 'prometheus');
    if (!promtool) return;
    const rules = await run(promtool, ['check', 'rules', join(DEPLOY, 'prometheus/alerts.yaml')]);
    expect(rules.stdout).toMatch(/SUCCESS: \d+ rules found/);
    const config = await run(promtool, ['check', 'config', '--syntax-only', join(DEPLOY, 'prometheus/prometheus.yaml')]);
    expect(config.stdout).toContain('SUCCESS');
    // The rules' own unit tests: each alert fires on what it is for, at the time it should, and not before.
    const tests = await run(promtool, ['test', 'rules', join(DEPLOY, 'prometheus/alerts.test.yaml')]);
    expect(tests.stdout).toContain('SUCCESS');
  });

  it('every metric the dashboard and the alerts query is on /metrics or the roles’ operations endpoint (up is Prometheus’s own)', () => {
    const queries = [...dashboardQueries(), ...alertQueries()];
    expect(queries.length).toBeGreaterThan(30);
    const used = new Set(queries.flatMap(metricNames));
    expect([...used].filter((name) => name !== 'up' && !exported.has(name))).toEqual([]);
    // What the issue asks the dashboard to show.
    for (const name of ['http_request_duration_seconds_count', 'marketplace_pipeline_steps_total', 'marketplace_job_queue_jobs', 'marketplace_job_queue_oldest_waiting_seconds', 'marketplace_mail_received_total', 'marketplace_mail_deliveries_sent_total', 'marketplace_deployments', 'marketplace_llm_cost_usd_total']) {
      expect(dashboardQueries().some((query) => metricNames(query).includes(name)), name).toBe(true);
    }
  });

  it('Prometheus scrapes the api, the worker and the smtp role, each where its Compose service listens', () => {
    const scrape = (parse(read('deploy/prometheus/prometheus.yaml')) as { scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[] }).scrape_configs;
    const targets = Object.fromEntries(scrape.map((c) => [c.job_name, c.static_configs.flatMap((s) => s.targets)]));
    expect(targets).toEqual({
      marketplace: [`api:${loadConfig(composeEnv('api')).port}`],
      'marketplace-worker': [`worker:${loadConfig(composeEnv('worker')).ops!.port}`],
      'marketplace-smtp': [`smtp:${loadConfig(composeEnv('smtp')).ops!.port}`],
    });
    // Kubernetes: the pods say where to scrape them, on the port their probes use.
    for (const role of ROLE_SERVICES) {
      const deployment = byKindName('Deployment', `marketplace-${role}`);
      const container = containersOf(deployment).find((c) => c.name === role);
      const config = loadConfig(k8sEnv(container));
      expect(deployment.spec.template.metadata.annotations, role).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(role === 'api' ? config.port : config.ops!.port), 'prometheus.io/path': '/metrics' });
    }
  });

  it('the queries name the scrape job the example configuration defines', () => {
    const jobs = (parse(read('deploy/prometheus/prometheus.yaml')) as { scrape_configs: { job_name: string }[] }).scrape_configs.map((c) => c.job_name);
    for (const query of [...dashboardQueries(), ...alertQueries()]) for (const [, job] of query.matchAll(/job="([^"]+)"/g)) expect(jobs, query).toContain(job);
  });

  it('a query with a PromQL syntax error is caught', () => {
    expect(() => metricNames('sum(rate(http_requests_total[5m])')).toThrow(/syntax error/);
  });
});
