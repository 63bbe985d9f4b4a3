/** The environment variable `marketplace mcp` reads its API key from (the command acts as that key's owner). */
export const API_KEY_VARIABLE = 'MARKETPLACE_API_KEY';
