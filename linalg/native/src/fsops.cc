// Atomic directory swaps for publishing a run (io/publish-local.ts): renameat2 with RENAME_EXCHANGE swaps the new
// run with the old one in one step, so a crash at any instant leaves one complete run at --out; RENAME_NOREPLACE
// refuses to land on a directory that appeared since the checks. Node's fs has neither flag. The syscall is made
// directly because glibc before 2.28 has no wrapper. Returns 0 or the errno (EINVAL/ENOSYS: not supported here).
#include <cerrno>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <string>
#include "ops.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

namespace spec_linalg {

// renameFlags(from: string, to: string, exchange: boolean): number
Napi::Value RenameFlags(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsString() || !info[1].IsString() || !info[2].IsBoolean()) {
    Napi::TypeError::New(env, "renameFlags(from: string, to: string, exchange: boolean)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const std::string from = info[0].As<Napi::String>().Utf8Value();
  const std::string to = info[1].As<Napi::String>().Utf8Value();
  const unsigned flags = info[2].As<Napi::Boolean>().Value() ? RENAME_EXCHANGE : RENAME_NOREPLACE;
#ifdef SYS_renameat2
  const long rc = syscall(SYS_renameat2, AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), flags);
  return Napi::Number::New(env, rc == 0 ? 0 : errno);
#else
  (void)flags;
  return Napi::Number::New(env, ENOSYS);
#endif
}

}  // namespace spec_linalg
