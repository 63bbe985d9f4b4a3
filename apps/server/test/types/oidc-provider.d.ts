/** oidc-provider ships no types; the test identity provider uses only its constructor and `callback()`. */
declare module 'oidc-provider' {
  const Provider: new (issuer: string, configuration: Record<string, unknown>) => { callback(): (req: unknown, res: unknown) => void; [key: string]: any };
  export default Provider;
}
