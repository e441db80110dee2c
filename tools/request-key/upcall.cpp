// The upcall: gain authority over the key, find the rule for it, run its
// handler and, when that fails, the negate rule; the key always ends up
// instantiated or negated, and one record says what happened.
#include "builtin.hpp"
#include "config_files.hpp"
#include "handler.hpp"
#include "messages.hpp"
#include "request_key.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <cstdio>

#include <sys/wait.h>
#include <unistd.h>

#include <keyutils.h>
#include <keyutils/instantiate.hpp>
#include <keyutils/kernel_format.hpp>
#include <keyutils/key.hpp>

#include <chrono>
#include <optional>
#include <system_error>

namespace rktool {

namespace {

namespace kf = keyutils::kernel_format;

long long now_ms()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<long long>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// What became of the upcall, for its record.
struct upcall_record {
    key_serial_t key = 0;
    std::string type, description;
    std::string where = "-";
    std::string handler = "-";
    std::string outcome;
    long long started = now_ms();

    void log() const
    {
        record("key=%d type=%s description=\"%s\" rule=%s handler=%s outcome=\"%s\" "
               "duration=%lldms",
               key, type.c_str(), description.c_str(), where.c_str(), handler.c_str(),
               outcome.c_str(), now_ms() - started);
    }
};

// The type and the description of "type;uid;gid;perm;description".
bool split_descriptor(const std::string &d, std::string &type, std::string &description)
{
    kf::description_fields f{};
    if (!kf::split_description(d.data(), d.size(), &f))
        return false;
    type.assign(f.type.data, f.type.size);
    description.assign(f.text.data, f.text.size);
    return true;
}

// %{type:description}: the payload of a key found with request_key().
bool read_keysub(const std::string &type, const std::string &desc, std::string &payload,
                 std::string &err)
{
    debug(1, "Keysub: %s key \"%s\"", type.c_str(), desc.c_str());
    key_serial_t id = request_key(type.c_str(), desc.c_str(), nullptr, 0);
    if (id < 0) {
        err = std::string("Keysub key not found: ") + strerror(errno);
        return false;
    }
    std::error_code ec;
    payload = keyutils::key(id).read_string(ec);
    if (ec) {
        err = std::string("Keysub key unreadable: ") + strerror(ec.value());
        return false;
    }
    return true;
}

class upcall {
public:
    upcall(const options &opt, char **args) : opt_(opt), args_(args)
    {
        rec_.key = static_cast<key_serial_t>(atoi(args[1]));
    }
    ~upcall()
    {
        if (!logged_)
            rec_.log();
    }

    int run()
    {
        if (!learn_key() || !load_config(default_paths(opt_.local), files_)) {
            if (rec_.outcome.empty())
                rec_.outcome = "no configuration";
            return 1;
        }
        set_macros();
        bool ran = false;
        if (attempt(args_[0], ran))
            return 0;
        if (!opt_.debug)
            negate(ran);
        return 1;
    }

private:
    bool fail(const char *outcome)
    {
        rec_.outcome = outcome;
        return false;
    }

    // Authority over the key, its type and description, the callout info.
    bool learn_key()
    {
        std::string descriptor = opt_.debug_descriptor;
        if (!opt_.debug) {
            std::error_code ec;
            keyutils::key target(rec_.key);
            authority_.emplace(target, ec);
            if (ec) {
                error("Failed to assume authority over key %d (%s)", rec_.key, strerror(ec.value()));
                return fail("cannot assume authority");
            }
            descriptor = target.describe_raw(ec);
            if (ec) {
                error("Key %d is inaccessible (%s)", rec_.key, strerror(ec.value()));
                return fail("key inaccessible");
            }
        }
        debug(1, "Key descriptor: \"%s\"", descriptor.c_str());
        if (!split_descriptor(descriptor, rec_.type, rec_.description)) {
            error("Badly formatted key descriptor: \"%s\"", descriptor.c_str());
            return fail("bad key descriptor");
        }
        debug(1, "Key type: %s", rec_.type.c_str());
        debug(1, "Key desc: %s", rec_.description.c_str());
        return read_callout();
    }

    bool read_callout()
    {
        if (args_[7]) {
            callout_ = args_[7];
        } else {
            std::error_code ec;
            callout_ = keyutils::key::request_key_auth().read_string(ec);
            if (ec) {
                error("Failed to retrieve callout info (%s)", strerror(ec.value()));
                return fail("no callout info");
            }
        }
        debug(1, "CALLOUT: '%s'", callout_.c_str());
        return true;
    }

    void set_macros()
    {
        macros_.key = args_[1];
        macros_.type = rec_.type;
        macros_.description = rec_.description;
        macros_.callout = callout_;
        macros_.uid = args_[2];
        macros_.gid = args_[3];
        macros_.thread_ring = args_[4];
        macros_.process_ring = args_[5];
        macros_.session_ring = args_[6];
    }

    // The best rule for `operation`, or null (the reason logged).
    const rkconf::rule *find_rule(const std::string &operation)
    {
        rkconf::query q;
        q.values[rkconf::col_op] = operation;
        q.values[rkconf::col_type] = rec_.type;
        q.values[rkconf::col_description] = rec_.description;
        q.values[rkconf::col_callout] = callout_;
        auto trace = [](int level, const std::string &m) { debug(level, "%s", m.c_str()); };
        auto on_file = [](const rkconf::config_file &f) {
            debug(1, "__ read %s __", f.name.c_str());
        };
        // Without -v, no trace: its messages would be built for nothing.
        rkconf::trace_fn tracer = nullptr;
        if (messages.verbosity > 0)
            tracer = trace;
        rkconf::lookup_result r = rkconf::lookup(files_, q, tracer, on_file);
        if (r.error_file) {
            error("%s:%zu: Syntax error", r.error_file->name.c_str(), r.error_line);
            rec_.where = r.error_file->name + ":" + std::to_string(r.error_line);
            fail("syntax error");
            return nullptr;
        }
        if (!r.best) {
            error("No matching action for %s %s \"%s\"", operation.c_str(), rec_.type.c_str(),
                  rec_.description.c_str());
            fail("no matching rule");
            return nullptr;
        }
        rec_.where = r.file->name + ":" + std::to_string(r.best->line);
        return r.best;
    }

    // The handler's command line with its macros expanded (once: what a
    // macro stands for is never looked at again).
    bool expand(const rkconf::rule &rule, handler_run &run)
    {
        debug(1, "execute_program('%s','%s')", callout_.c_str(), rule.command.c_str());
        rkconf::command_line c = rkconf::split_command(rule.command);
        rec_.handler = (c.pipe ? "|" : "") + c.program;
        size_t slash = c.program.rfind('/');
        run.argv.push_back(slash == std::string::npos ? c.program : c.program.substr(slash + 1));
        for (size_t i = 0; i < c.args.size(); i++) {
            debug(1, "argv[%zu]: '%s'", i + 1, c.args[i].c_str());
            std::string out, err;
            if (!rkconf::expand_argument(c.args[i], macros_, read_keysub, out, err)) {
                error("%s: %s", rec_.where.c_str(), err.c_str());
                rec_.outcome = "bad macro: " + err;
                return false;
            }
            run.argv.push_back(out);
        }
        debug(1, "%s %s", c.pipe ? "PipeThru" : "Run", c.program.c_str());
        for (size_t i = 0; i < run.argv.size(); i++)
            debug(1, "- argv[%zu] = \"%s\"", i, run.argv[i].c_str());
        run.program = c.program;
        run.pipe = c.pipe;
        run.input = callout_;
        run.timeout = rule.timeout;
        return true;
    }

    // One handler run for `operation` ("create", or "negate" after a
    // failure); true when it did its job.
    bool attempt(const std::string &operation, bool &ran)
    {
        ran = false;
        const rkconf::rule *rule = find_rule(operation);
        if (!rule)
            return false;
        macros_.op = operation;
        handler_run run;
        if (!expand(*rule, run))
            return false;
        if (opt_.debug) {
            printf("-- exec disabled --\n");
            rec_.outcome = "exec disabled (-d)";
            return true;
        }
        ran = true;
        if (run.pipe)
            return judge(run, run_handler(run));
        run_result res;
        if (run_builtin_keyctl(run, res)) {
            rec_.handler += ":built-in";
            return judge(run, res);
        }
        return judge(run, start_in_place(run));
    }

    // A plain handler takes our place, as in 1.6.3: what it does to the key
    // is up to it, and the kernel negates the key if it leaves it
    // uninstantiated.  The record is left first, then, when it looks
    // executable (an exec that fails after all is logged as an error).
    run_result start_in_place(const handler_run &run)
    {
        run_result res;
        if (access(run.program.c_str(), X_OK) == 0) {
            rec_.outcome = "handler started in place, limit " + std::to_string(run.timeout) + "s";
            rec_.log();
            logged_ = true;
        }
        res.exec_errno = exec_in_place(run);
        return res;
    }

    // Whether the handler did its job; a pipe handler's output becomes the
    // payload.
    bool judge(const handler_run &run, const run_result &res)
    {
        const char *where = rec_.where.c_str(), *program = run.program.c_str();
        if (!res.started) {
            error("%s: Failed to execute '%s': %s", where, program, strerror(res.exec_errno));
            rec_.outcome = std::string("cannot execute: ") + strerror(res.exec_errno);
            return false;
        }
        if (res.timed_out) {
            error("%s: '%s' still running after %us: killed", where, program, run.timeout);
            rec_.outcome = "killed after " + std::to_string(run.timeout) + "s";
            return false;
        }
        if (!WIFEXITED(res.status) || WEXITSTATUS(res.status) != 0) {
            error("child %s", describe_status(res.status).c_str());
            rec_.outcome = "handler " + describe_status(res.status);
            return false;
        }
        if (!run.pipe) {
            rec_.outcome = "handler exited 0";
            return true;
        }
        if (res.output_too_big) {
            error("%s: '%s' wrote more than %zu bytes", where, program, max_payload);
            return fail("payload too big");
        }
        std::error_code ec;
        keyutils::instantiate(keyutils::key(rec_.key),
                              keyutils::bytes_view(res.output.data(), res.output.size()), ec);
        if (ec) {
            error("Failed to instantiate key %d (%s)", rec_.key, strerror(ec.value()));
            rec_.outcome = std::string("instantiate failed: ") + strerror(ec.value());
            return false;
        }
        rec_.outcome = "instantiated (" + std::to_string(res.output.size()) + " bytes)";
        return true;
    }

    // A handler that ran and failed gets the configured "negate" rule, as
    // the original documents; whatever happens, the key ends up negated.
    void negate(bool ran)
    {
        std::string failure = rec_.outcome;
        if (ran && std::string(args_[0]) != "negate") {
            std::string where = rec_.where, handler = rec_.handler;
            bool negate_ran = false;
            debug(1, "Trying the negate operation");
            if (attempt("negate", negate_ran))
                failure += "; negate rule ran";
            rec_.where = where;
            rec_.handler = handler;
        }
        std::error_code ec;
        keyutils::negate(keyutils::key(rec_.key), std::chrono::seconds(60), ec);
        if (!ec)
            failure += "; negated";
        rec_.outcome = failure;
    }

    const options &opt_;
    char **args_;
    upcall_record rec_;
    bool logged_ = false;
    std::string callout_;
    // Held from the start of the upcall to its end (the key instantiated or
    // negated); handlers inherit it.
    std::optional<keyutils::authority_guard> authority_;
    std::vector<rkconf::config_file> files_;
    rkconf::macro_values macros_;
};

} // namespace

int run_upcall(const options &opt, char **args)
{
    return upcall(opt, args).run();
}

} // namespace rktool
