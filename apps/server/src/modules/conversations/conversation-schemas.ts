import { z } from 'zod';

/** One message of a conversation (REST and the MCP describe tool). */
export const textBody = z.string().trim().min(1, 'write a message').max(20_000, 'keep a message under 20,000 characters');
