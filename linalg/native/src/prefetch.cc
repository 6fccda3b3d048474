// Page-cache readahead for the next shard's files: posix_fadvise(WILLNEED) on a detached thread, so the kernel
// reads them from disk while this process computes on the current shard. Only a hint: errors are ignored (a file
// that cannot be opened here is reported by the reader that needs it).
#include <fcntl.h>
#include <unistd.h>
#include <string>
#include <thread>
#include <vector>
#include "ops.h"

namespace spec_linalg {

namespace {
void adviseAll(const std::vector<std::string>& paths) {
  for (const auto& p : paths) {
    const int fd = open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    posix_fadvise(fd, 0, 0, POSIX_FADV_WILLNEED);
    close(fd);
  }
}
}  // namespace

// willNeed(paths: string[]): returns at once; the advice runs on its own thread.
Napi::Value WillNeed(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsArray()) {
    Napi::TypeError::New(env, "willNeed: paths must be an array of strings").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Array arr = info[0].As<Napi::Array>();
  std::vector<std::string> paths;
  for (uint32_t i = 0; i < arr.Length(); i++) {
    Napi::Value v = arr.Get(i);
    if (!v.IsString()) {
      Napi::TypeError::New(env, "willNeed: paths must be an array of strings").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    paths.push_back(v.As<Napi::String>().Utf8Value());
  }
  if (!paths.empty()) std::thread(adviseAll, std::move(paths)).detach();
  return env.Undefined();
}

}  // namespace spec_linalg
