import { appQuerySchema, searchCatalogAnswer } from '../../catalog/catalog-views.js';
import { defineTool } from '../mcp-tool.js';

export const searchCatalog = defineTool({
  name: 'search_catalog',
  title: 'Search the catalog',
  description: 'Search the organisation’s app catalog (full text over title, summary and spec), optionally by kind, tag or author; sort by newest, rating, installs or relevance.',
  input: appQuerySchema,
  readOnly: true,
  async run(deps, caller, input) {
    // The cached answer's JSON (the REST route's body) is the text block as it is.
    const { value, json } = await searchCatalogAnswer(deps.db, caller.principal.orgId, input);
    return { result: value, text: json };
  },
});
