import { Option, type Command } from 'commander';
import { API_KEY_VARIABLE } from '../../composition/mcp-api-key.js';

export function registerMcp(program: Command): void {
  program
    .command('mcp')
    .description(`Serve the marketplace to an AI assistant over MCP on stdio, as the owner of the API key in ${API_KEY_VARIABLE}`)
    .addOption(new Option('--jobs <mode>', 'run the builds and deliveries the tools queue in this process, or only queue them for the server’s workers (default: run on the embedded database, queue on PostgreSQL)').choices(['run', 'queue']))
    .action(async (options: { jobs?: 'run' | 'queue' }) => {
      // Loaded here: the MCP SDK is no part of the other commands' start-up (serve's included).
      const { startMcpStdio } = await import('../../composition/mcp-stdio.js');
      const server = await startMcpStdio({ ...(options.jobs ? { jobs: options.jobs } : {}) });
      await server.closed;
      process.exit(0);
    });
}
