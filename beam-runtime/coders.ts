// Beam plumbing shared by the DoFns: windowed values for finishBundle outputs and the byte coders that keep large
// values out of the SDK's BSON object coder. Registered with the serialiser (beam-runtime/register.ts).
import { GlobalWindow, WindowedValue } from "apache-beam/values";
import { PaneInfoCoder, BytesCoder, KVCoder } from "apache-beam/coders/required_coders";
import { StrUtf8Coder } from "apache-beam/coders/standard_coders";


/**
 * finishBundle must emit windowed values; everything here lives in the global window. The timestamp is the
 * window's end (Beam's own Long type, so no second copy of the `long` package is involved).
 */
const inGlobalWindow = <T>(value: T): WindowedValue<T> => {
  const w = new GlobalWindow();
  return { value: value, windows: [w], pane: PaneInfoCoder.ONE_AND_ONLY_FIRING, timestamp: w.maxTimestamp() };
};

const kvBytesCoder = () => new KVCoder(new StrUtf8Coder(), new BytesCoder());
const kvStringCoder = () => new KVCoder(new StrUtf8Coder(), new StrUtf8Coder());

export { inGlobalWindow, kvBytesCoder, kvStringCoder };
