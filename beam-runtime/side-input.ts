// beam.iterableSideInput without the SDK's serialisation leak. The SDK's parDo copies each side-input parameter
// with Object.create(param) and then `delete copy.pcoll`, which removes nothing (pcoll lives on the prototype,
// the original param), so the DoFn payload serialises the side input's PCollection, its pipeline and every
// transform payload built so far, byte by byte as JSON (~14 bytes per byte): the score ParDo alone was 3.8 MB for a
// 300-row job and grew with each transform, past the 4 MiB gRPC limit of the job services.
import * as beam from "apache-beam";

/**
 * An iterable side input whose `pcoll` is readable once: parDo reads it once to wire the input, and the property
 * is gone before the DoFn is serialised. Use each returned parameter in one parDo only.
 */
const iterableSideInput = <T>(pcoll: beam.PCollection<T>): beam.SideInputParam<T, Iterable<T>, Iterable<T>> => {
  const param = beam.iterableSideInput(pcoll);
  Object.defineProperty(param, "pcoll", {
    configurable: true,
    enumerable: true,
    get: function (this: { pcoll?: unknown }) {
      delete this.pcoll;
      return pcoll;
    },
  });
  return param;
};

export { iterableSideInput };
