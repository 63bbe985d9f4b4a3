// A small MCP server on stdio built with the SDK's own McpServer (the SDK ships no stdio example):
// the MCP client suite starts it as a registered stdio server.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import process from 'node:process';
import { z } from 'zod';

const server = new McpServer({ name: 'fixture-stdio-server', version: '1.0.0' });
server.registerTool('lookup-project', { description: 'The Jira project of a team', inputSchema: { team: z.string() }, outputSchema: { project: z.string() } }, async ({ team }) => {
  const structuredContent = { project: team === 'payroll' ? 'PAY' : 'GEN' };
  return { content: [{ type: 'text', text: JSON.stringify(structuredContent) }], structuredContent };
});
// Answers with the credential it was started with, so a test sees the sealed value reached the child.
server.registerTool('whoami', { description: 'Which token this server was given' }, async () => ({ content: [{ type: 'text', text: `token=${process.env.FIXTURE_TOKEN ?? 'none'}` }] }));
server.registerTool('big', { description: 'A long answer', inputSchema: { bytes: z.number().int().max(5_000_000) } }, async ({ bytes }) => ({ content: [{ type: 'text', text: 'x'.repeat(bytes) }] }));
server.registerTool('refuse', { description: 'Always reports a failure' }, async () => ({ isError: true, content: [{ type: 'text', text: 'no such ticket' }] }));
await server.connect(new StdioServerTransport());
