import type { AppSpec } from '../../app-spec.js';

type AuthMode = NonNullable<AppSpec['auth']>;

/** Who may use the app, on folded text. When several are named, the last one mentioned wins. */
export const AUTH_RULES: [AuthMode, RegExp][] = [
  ['sso', /\b(?:sso|single[\s-]sign[\s-]on|company\s+(?:login|account|credentials)|corporate\s+(?:login|account|sso|credentials)|log\s*in\s+with\s+(?:microsoft|google|azure|okta|entra|office)|azure\s+ad|entra\s+id|okta|active\s+directory|ldap|oidc|openid|logowani\w*\s+(?:firmow\w*|przez\s+(?:sso|microsoft|google|azure)|kontem\s+firmowym)|kont\w*\s+firmow\w*|firmow\w*\s+(?:logowani\w*|kont\w*))\b/g],
  ['api-key', /\b(?:api[\s-]?keys?|klucz\w*\s+(?:api|dostepu)|access\s+tokens?|bearer|tokens?|tokenem|tokenu|tokena)\b/g],
  ['none', /\b(?:public|publicly|no\s+(?:login|auth\w*|sign[\s-]?in|password)|without\s+(?:a\s+)?(?:login|logging\s+in|auth\w*|sign[\s-]?in|password)|anyone\s+can|open\s+to\s+everyone|bez\s+(?:logowania|autoryzacji|uwierzytelniania|hasla)|publiczn\w*|dla\s+wszystkich)\b/g],
];
