// Batch mode: keyctl -f FILE runs one command per line in this one process,
// printing what each command would print on its own.
//
// Commands keep 1.6.3's way of failing (a message, then exit): while a line
// runs, end_command() jumps back here instead of exiting, and standard error
// is a stream that starts each line of a message with "FILE:LINE: ".
#include "keyctl.hpp"

#include <errno.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "words.hpp"

namespace keyctl_tool {

namespace {

// The line being run: set while a command may end through end_command().
bool running = false;
jmp_buf command_end;
int ended_status;

// No command holds more than four allocations at once.
void *held[8];
size_t held_count = 0;

// Where stderr output comes from, for the prefix.
struct place {
    const char *file;
    unsigned long line;
    bool at_line_start;
    bool wrote; // the line wrote anything on stderr
};

bool write_all(int fd, const char *data, size_t size)
{
    while (size) {
        ssize_t n = write(fd, data, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        size -= static_cast<size_t>(n);
    }
    return true;
}

// The stderr stream's writer: the prefix before each line, then the bytes.
ssize_t write_prefixed(void *cookie, const char *data, size_t size)
{
    place *p = static_cast<place *>(cookie);
    p->wrote = true;
    size_t done = 0;
    while (done < size) {
        if (p->at_line_start) {
            if (dprintf(STDERR_FILENO, "%s:%lu: ", p->file, p->line) < 0)
                return done ? static_cast<ssize_t>(done) : -1;
            p->at_line_start = false;
        }
        const char *end = static_cast<const char *>(memchr(data + done, '\n', size - done));
        size_t n = end ? static_cast<size_t>(end - (data + done)) + 1 : size - done;
        if (!write_all(STDERR_FILENO, data + done, n))
            return done ? static_cast<ssize_t>(done) : -1;
        done += n;
        p->at_line_start = end != nullptr;
    }
    return static_cast<ssize_t>(size);
}

struct batch_input {
    FILE *file;
    const char *name;
    // The batch comes through standard input, so commands may not read it.
    bool is_stdin;
};

batch_input open_input(const char *path)
{
    if (strcmp(path, "-") == 0)
        return {stdin, "<stdin>", true};
    FILE *f = fopen(path, "re");
    if (!f)
        fail(path);
    // "-f /dev/stdin" and the like are standard input too.
    struct stat in, batch;
    bool same = fstat(STDIN_FILENO, &in) == 0 && fstat(fileno(f), &batch) == 0 &&
                in.st_dev == batch.st_dev && in.st_ino == batch.st_ino;
    return {f, path, same};
}

// Runs a command with failures returning here; returns its exit status.
int run_guarded(int argc, char **argv)
{
    int status;
    // getopt(3) as a fresh process finds it (optind 0 also resets glibc's
    // position inside a word of options).
    optind = 0;
    opterr = 1;
    running = true;
    if (setjmp(command_end) == 0)
        status = run_command(argc, argv);
    else
        status = ended_status;
    running = false;
    free_held();
    // What the command printed comes out before the next line runs, as it
    // would when the command's process ended.
    if (fflush(stdout) != 0 || ferror(stdout)) {
        clearerr(stdout);
        if (status == 0)
            status = 1;
    }
    return status;
}

const char *split_error(tools::line_split_status status)
{
    switch (status) {
    case tools::line_split_status::unterminated_single_quote:
        return "unterminated single quote";
    case tools::line_split_status::unterminated_double_quote:
        return "unterminated double quote";
    case tools::line_split_status::backslash_at_end:
        return "backslash at the end of the line";
    case tools::line_split_status::nul_byte:
        return "NUL byte in the line";
    case tools::line_split_status::ok:
        break;
    }
    return nullptr;
}

// Runs the words of one line.
int run_words(int argc, char **argv, const batch_input &in, bool json)
{
    json_output = json;
    if (argc > 0 && strcmp(argv[0], "--json") == 0) {
        json_output = true;
        argc--;
        argv++;
    }
    if (argc == 0) // "--json" alone: the usage text, as on the command line
        return run_guarded(argc, argv);
    if (strcmp(argv[0], "-f") == 0 || strcmp(argv[0], "--force") == 0) {
        fprintf(stderr, "%s: not allowed in a batch file\n", argv[0]);
        return 2;
    }
    const command *c = find_command(argv[0]);
    if (c && c->not_in_batch) {
        fprintf(stderr, "%s: not allowed in batch mode: %s\n", argv[0], c->not_in_batch);
        return 2;
    }
    if (c && c->reads_stdin && in.is_stdin) {
        fprintf(stderr, "%s: not allowed in a batch read from standard input, which it reads\n",
                argv[0]);
        return 2;
    }
    return run_guarded(argc, argv);
}

// Room for the words of a line of `size` bytes and a terminating null.
char **word_room(char ***words, size_t *cap, size_t size)
{
    size_t want = tools::command_line_max_words(size) + 1;
    if (want > *cap) {
        char **bigger = static_cast<char **>(realloc(*words, want * sizeof(char *)));
        if (!bigger)
            return nullptr;
        *words = bigger;
        *cap = want;
    }
    return *words;
}

int run_line(char *line, size_t size, char ***words, size_t *cap, const batch_input &in,
             bool json)
{
    if (!word_room(words, cap, size)) {
        fprintf(stderr, "%s\n", strerror(ENOMEM));
        return 1;
    }
    size_t count;
    tools::line_split_status split = tools::split_command_line(line, size, *words, &count);
    if (split != tools::line_split_status::ok) {
        fprintf(stderr, "%s\n", split_error(split));
        return 2;
    }
    if (count == 0) // a blank line or a comment
        return 0;
    (*words)[count] = nullptr;
    return run_words(static_cast<int>(count), *words, in, json);
}

} // namespace

void end_command(int status)
{
    if (running) {
        ended_status = status;
        longjmp(command_end, 1);
    }
    exit(status);
}

void *hold(void *p)
{
    if (!p)
        return p;
    if (held_count == sizeof held / sizeof held[0])
        abort();
    held[held_count++] = p;
    return p;
}

void free_held()
{
    while (held_count)
        free(held[--held_count]);
}

int run_batch(const char *path, bool force, bool json)
{
    batch_input in = open_input(path);
    place where{in.name, 0, true, false};
    FILE *prefixed = fopencookie(&where, "w", {nullptr, write_prefixed, nullptr, nullptr});
    if (!prefixed)
        fail("fopencookie");
    setvbuf(prefixed, nullptr, _IONBF, 0);
    FILE *plain_stderr = stderr;
    stderr = prefixed;

    char *line = nullptr;
    size_t line_cap = 0, words_cap = 0;
    char **words = nullptr;
    int first_failure = 0;
    for (;;) {
        where.line++;
        where.at_line_start = true;
        where.wrote = false;
        ssize_t len = getline(&line, &line_cap, in.file);
        if (len < 0) {
            // A read error (EISDIR for a directory) ends the batch as a
            // failure of the line that could not be read.
            if (ferror(in.file)) {
                fprintf(stderr, "%s\n", strerror(errno));
                if (!first_failure)
                    first_failure = 1;
            }
            break;
        }
        size_t size = static_cast<size_t>(len);
        if (size && line[size - 1] == '\n')
            line[--size] = '\0';
        int status = run_line(line, size, &words, &words_cap, in, json);
        if (status == 0)
            continue;
        if (!first_failure)
            first_failure = status;
        if (!force) {
            // A command that fails without a word (supports, say) still
            // says why the batch ends there.
            if (!where.wrote)
                fprintf(stderr, "stopped: exit status %d\n", status);
            break;
        }
    }

    stderr = plain_stderr;
    fclose(prefixed);
    free(line);
    free(words);
    if (in.file != stdin)
        fclose(in.file);
    return first_failure;
}

} // namespace keyctl_tool
