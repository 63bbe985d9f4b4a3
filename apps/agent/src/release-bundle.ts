/**
 * Unpacking a release's bundle, on its own so the deployer can load it when a release arrives: the tar
 * reader it brings is code an idle agent never runs (decision 0053).
 */
export { extractBundle } from '@marketplace/release';
