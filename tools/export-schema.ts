// Writes configs/schema.json from configs/schema.ts.
import * as fs from "fs";
import * as path from "path";
import { configJsonSchema } from "../configs/json-schema";

const target = path.join(__dirname, "..", "..", "configs", "schema.json");
fs.writeFileSync(target, configJsonSchema());
process.stdout.write(`wrote ${target}\n`);
