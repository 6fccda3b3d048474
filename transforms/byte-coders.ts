// The explicit byte/string coders every large value crosses a stage boundary with (the SDK's default BSON object
// coder is slow and bloats typed arrays), as named transforms to place after a ParDo.
import * as beam from "apache-beam";
import * as internal from "apache-beam/transforms/internal";
import type { KV } from "apache-beam/values";
import * as coders from "../beam-runtime/coders";

type Bytes = KV<string, Uint8Array>;

const bytesCoder = (name: string) =>
  beam.withName(name, internal.withCoderInternal<Bytes>(coders.kvBytesCoder()));

const stringsCoder = (name: string) =>
  beam.withName(name, internal.withCoderInternal<KV<string, string>>(coders.kvStringCoder()));

export { Bytes, bytesCoder, stringsCoder };
