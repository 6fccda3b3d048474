// The addon's JS-callable functions, one group per source file.
#pragma once
#include <napi.h>

namespace spec_linalg {

// blas_ops.cc
Napi::Value SyrkF64(const Napi::CallbackInfo& info);
Napi::Value SyrkF32(const Napi::CallbackInfo& info);
Napi::Value Dgemm(const Napi::CallbackInfo& info);
Napi::Value Config(const Napi::CallbackInfo& info);
Napi::Value SetThreads(const Napi::CallbackInfo& info);

// lapack_ops.cc
Napi::Value Dpotrf(const Napi::CallbackInfo& info);
Napi::Value Dsyevd(const Napi::CallbackInfo& info);
Napi::Value Dsyevr(const Napi::CallbackInfo& info);
Napi::Value Dgeev(const Napi::CallbackInfo& info);
Napi::Value SignedOuterInPlace(const Napi::CallbackInfo& info);
Napi::Value LowerTimes(const Napi::CallbackInfo& info);
Napi::Value EighEnds(const Napi::CallbackInfo& info);

// rff.cc
Napi::Value Rff(const Napi::CallbackInfo& info);

// prefetch.cc
Napi::Value WillNeed(const Napi::CallbackInfo& info);

// fsops.cc
Napi::Value RenameFlags(const Napi::CallbackInfo& info);

}  // namespace spec_linalg
