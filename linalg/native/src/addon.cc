// Module registration for spec_linalg: OpenBLAS + LAPACKE kernels behind linalg/native.ts.
#include <napi.h>
#include "ops.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  using namespace spec_linalg;
  exports.Set("syrkF64", Napi::Function::New(env, SyrkF64, "syrkF64"));
  exports.Set("syrkF32", Napi::Function::New(env, SyrkF32, "syrkF32"));
  exports.Set("dgemm", Napi::Function::New(env, Dgemm, "dgemm"));
  exports.Set("dpotrf", Napi::Function::New(env, Dpotrf, "dpotrf"));
  exports.Set("dsyevd", Napi::Function::New(env, Dsyevd, "dsyevd"));
  exports.Set("dsyevr", Napi::Function::New(env, Dsyevr, "dsyevr"));
  exports.Set("dgeev", Napi::Function::New(env, Dgeev, "dgeev"));
  exports.Set("signedOuterInPlace", Napi::Function::New(env, SignedOuterInPlace, "signedOuterInPlace"));
  exports.Set("lowerTimes", Napi::Function::New(env, LowerTimes, "lowerTimes"));
  exports.Set("eighEnds", Napi::Function::New(env, EighEnds, "eighEnds"));
  exports.Set("rff", Napi::Function::New(env, Rff, "rff"));
  exports.Set("willNeed", Napi::Function::New(env, WillNeed, "willNeed"));
  exports.Set("renameFlags", Napi::Function::New(env, RenameFlags, "renameFlags"));
  exports.Set("config", Napi::Function::New(env, Config, "config"));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads, "setThreads"));
  return exports;
}

}  // namespace

NODE_API_MODULE(spec_linalg, Init)
