// configs/schema.json is generated from the zod schema (the single source of truth) by `make schema`;
// test/config.test.ts fails when the committed file is stale.
import { z } from "zod";
import { configSchema } from "./schema";

const configJsonSchema = (): string =>
  JSON.stringify(z.toJSONSchema(configSchema, { io: "input", target: "draft-2020-12" }), null, 2) + "\n";

export { configJsonSchema };
