import type { StepNotice } from '../sandbox-plan.js';

/** What an exercise gets: the running app, the fixtures of its kind and the local fixture server. */
export interface ExerciseContext {
  baseUrl: string;
  fixtures: Record<string, any>;
  /** Requests the fixture server received (webhooks the app posted). */
  received: { method: string; path: string; body: string }[];
  /** fetch against the app, with the auth headers of the fixtures. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** What the app says about itself, kept in the report: an API's OpenAPI document as it serves it. */
  keep(artifacts: ValidationArtifacts): void;
}

/** Documents the running app served during validation, for the catalog to show. */
export interface ValidationArtifacts {
  openapi?: Record<string, unknown>;
}

/** One real use of the app; resolves with a one-line summary (and its notice) or throws saying what went wrong. */
export type Exercise = (context: ExerciseContext) => Promise<{ detail: string; notice: StepNotice }>;

export class ExerciseFailure extends Error {
  override name = 'ExerciseFailure';
}

export function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ExerciseFailure(message);
}

export async function expectStatus(response: Response, status: number, what: string): Promise<void> {
  if (response.status !== status) {
    const body = (await response.text()).slice(0, 500);
    throw new ExerciseFailure(`${what}: expected HTTP ${status}, got ${response.status}: ${body}`);
  }
}
