// Beam plumbing shared by the DoFns: windowed values for finishBundle outputs and the byte coders that keep large
// values out of the SDK's BSON object coder. Registered with the serialiser (transforms/register.ts).
import Long from "long";
import { GlobalWindow, WindowedValue } from "apache-beam/values";
import { PaneInfoCoder, BytesCoder, KVCoder } from "apache-beam/coders/required_coders";
import { StrUtf8Coder } from "apache-beam/coders/standard_coders";

const MIN_TIMESTAMP = Long.fromValue("-9223372036854775");

/** finishBundle must emit windowed values; everything here lives in the global window. */
const inGlobalWindow = <T>(value: T): WindowedValue<T> => ({
  value: value,
  windows: [new GlobalWindow()],
  pane: PaneInfoCoder.ONE_AND_ONLY_FIRING,
  timestamp: MIN_TIMESTAMP,
});

const kvBytesCoder = () => new KVCoder(new StrUtf8Coder(), new BytesCoder());
const kvStringCoder = () => new KVCoder(new StrUtf8Coder(), new StrUtf8Coder());

export { inGlobalWindow, kvBytesCoder, kvStringCoder };
