import { prepareTemplate } from "./helpers.ts";

/** Vitest global setup: on PostgreSQL, migrate the template every test database is cloned from. */
export default async function setup(): Promise<void> {
  await prepareTemplate();
}
