// Preloaded (node --import) into an app under validation when no network namespace is
// available: every socket may connect to loopback only, and name lookups resolve only
// "localhost". Anything else fails with code ESANDBOXNET before a packet leaves.
import dgram from 'node:dgram';
import dns from 'node:dns';
import net from 'node:net';
import process from 'node:process';

const LOOPBACK_NAMES = new Set(['localhost', 'localhost.', 'ip6-localhost']);

export function isLoopback(host) {
  if (host === undefined || host === null || host === '') return true;
  const name = String(host).toLowerCase().replace(/^\[|\]$/g, '');
  if (LOOPBACK_NAMES.has(name) || name.endsWith('.localhost')) return true;
  if (net.isIPv4(name)) return name.startsWith('127.');
  if (net.isIPv6(name)) return name === '::1' || /^::ffff:127\./.test(name) || /^0*:0*:0*:0*:0*:0*:0*:0*1$/.test(name);
  return false;
}

function blocked(host, port) {
  return Object.assign(new Error(`outbound network is blocked while the app is validated (tried ${host}${port ? `:${port}` : ''}); only loopback is allowed`), { code: 'ESANDBOXNET' });
}

function targetOf(args) {
  let first = args[0];
  if (Array.isArray(first)) first = first[0];
  if (first && typeof first === 'object') return first.path ? { local: true } : { host: first.host ?? 'localhost', port: first.port };
  if (typeof first === 'number' || /^\d+$/.test(String(first))) return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: first };
  return { local: true };
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  const target = targetOf(args);
  if (!target.local && !isLoopback(target.host)) {
    const error = blocked(target.host, target.port);
    process.nextTick(() => this.destroy(error));
    return this;
  }
  return connect.apply(this, args);
};

const lookup = dns.lookup;
dns.lookup = function guardedLookup(hostname, options, callback) {
  const done = typeof options === 'function' ? options : callback;
  if (!isLoopback(hostname)) {
    process.nextTick(() => done(blocked(hostname)));
    return undefined;
  }
  return lookup.call(this, hostname, options, callback);
};
const promisesLookup = dns.promises.lookup;
dns.promises.lookup = async function guardedPromisesLookup(hostname, options) {
  if (!isLoopback(hostname)) throw blocked(hostname);
  return promisesLookup.call(this, hostname, options);
};
for (const method of ['resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveMx', 'resolveTxt', 'resolveSrv', 'resolveCname', 'resolveNs', 'reverse']) {
  dns[method] = (name, ...rest) => process.nextTick(() => rest[rest.length - 1](blocked(name)));
  dns.promises[method] = async (name) => {
    throw blocked(name);
  };
}

const send = dgram.Socket.prototype.send;
dgram.Socket.prototype.send = function guardedSend(...args) {
  const host = args.find((argument, index) => index > 0 && typeof argument === 'string');
  if (host !== undefined && !isLoopback(host)) throw blocked(host);
  return send.apply(this, args);
};
