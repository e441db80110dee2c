// keyctl's instantiate, negate and reject, done by request-key itself.
#include "builtin.hpp"
#include "messages.hpp"

#include "args.hpp"

#include <cerrno>
#include <climits>
#include <cstring>

#include <unistd.h>

#include <keyutils.h>

namespace rktool {

namespace {

// One key operation as keyctl would make it.
struct key_call {
    enum { instantiate, negate, reject } what;
    key_serial_t key = 0, keyring = 0;
    const std::string *data = nullptr;
    unsigned timeout = 0, error = 0;
};

// keyctl at its usual paths, where it is installed: where it is not, the
// rule fails as it always did.
bool is_keyctl(const std::string &program)
{
    return (program == "/bin/keyctl" || program == "/usr/bin/keyctl") &&
           access(program.c_str(), X_OK) == 0;
}

// A key or keyring given as a number or an @ name, the way keyctl reads it;
// %type:name needs a lookup and stays with keyctl.
bool key_number(const std::string &arg, key_serial_t &id)
{
    tools::key_arg a;
    if (tools::parse_key_arg(arg.c_str(), &a) != tools::key_arg_status::ok ||
        a.kind == tools::key_arg_kind::by_name)
        return false;
    id = a.id;
    return true;
}

// A decimal number keyctl would take without complaint, and as it would.
bool small_number(const std::string &arg, unsigned &value)
{
    unsigned long v;
    if (arg.empty() || tools::parse_ulong(arg.c_str(), 10, &v) != tools::number_status::ok ||
        v > UINT_MAX)
        return false;
    value = static_cast<unsigned>(v);
    return true;
}

bool error_number(const std::string &arg, unsigned &value)
{
    return tools::reject_error_by_name(arg.c_str(), &value) || small_number(arg, value);
}

// The call `run` stands for, if it is one of the three.
bool recognise(const handler_run &run, key_call &call)
{
    const std::vector<std::string> &a = run.argv;
    if (run.pipe || !is_keyctl(run.program) || a.size() < 2)
        return false;
    if (a[1] == "instantiate" && a.size() == 5) {
        call.what = key_call::instantiate;
        call.data = &a[3];
        return key_number(a[2], call.key) && key_number(a[4], call.keyring);
    }
    if (a[1] == "negate" && a.size() == 5) {
        call.what = key_call::negate;
        return key_number(a[2], call.key) && small_number(a[3], call.timeout) &&
               key_number(a[4], call.keyring);
    }
    if (a[1] == "reject" && a.size() == 6) {
        call.what = key_call::reject;
        return key_number(a[2], call.key) && small_number(a[3], call.timeout) &&
               error_number(a[4], call.error) && key_number(a[5], call.keyring);
    }
    return false;
}

} // namespace

bool is_builtin_keyctl(const handler_run &run)
{
    key_call call;
    return recognise(run, call);
}

bool run_builtin_keyctl(const handler_run &run, run_result &res)
{
    key_call call;
    if (!recognise(run, call))
        return false;
    long r;
    const char *name;
    switch (call.what) {
    case key_call::instantiate:
        name = "keyctl_instantiate";
        r = keyctl_instantiate(call.key, call.data->data(), call.data->size(), call.keyring);
        break;
    case key_call::negate:
        name = "keyctl_negate";
        r = keyctl_negate(call.key, call.timeout, call.keyring);
        break;
    default:
        name = "keyctl_reject";
        r = keyctl_reject(call.key, call.timeout, call.error, call.keyring);
        break;
    }
    res.started = true;
    // A wait status as keyctl's exit would leave it: 0, or 1 on failure.
    res.status = r < 0 ? 1 << 8 : 0;
    if (r < 0)
        error("keyctl %s (done by request-key): %s: %s", run.argv[1].c_str(), name,
              strerror(errno));
    return true;
}

} // namespace rktool
