// keyutils/bytes.hpp: what the C++ API passes to the C API (zstring for
// names, bytes_view for payloads) and the buffers it returns (byte_buffer,
// and secret for key material).
#ifndef KEYUTILS_BYTES_HPP
#define KEYUTILS_BYTES_HPP

#include <cstddef>
#include <cstring>
#include <iterator>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace keyutils {

/// A NUL-terminated string for the C API: a `const char*` or std::string is
/// borrowed without copying; an std::string_view, which need not end in a
/// NUL, is copied (the copy ends at the view's first NUL, as C reads it).
/// A default one is null.
class zstring {
public:
    zstring() noexcept = default;
    zstring(const char* s) noexcept : p_(s) {}
    zstring(const std::string& s) noexcept : p_(s.c_str()) {}
    zstring(std::string_view s) : copy_(s), p_(copy_.c_str()), owns_(true) {}
    zstring(const zstring& other) : copy_(other.copy_), p_(other.owns_ ? copy_.c_str() : other.p_), owns_(other.owns_)
    {}
    zstring(zstring&& other) noexcept
        : copy_(std::move(other.copy_)), p_(other.owns_ ? copy_.c_str() : other.p_), owns_(other.owns_)
    {}
    zstring& operator=(const zstring& other)
    {
        if (this != &other) {
            copy_ = other.copy_;
            owns_ = other.owns_;
            p_ = owns_ ? copy_.c_str() : other.p_;
        }
        return *this;
    }
    zstring& operator=(zstring&& other) noexcept
    {
        if (this != &other) {
            copy_ = std::move(other.copy_);
            owns_ = other.owns_;
            p_ = owns_ ? copy_.c_str() : other.p_;
        }
        return *this;
    }
    ~zstring() = default;

    [[nodiscard]] const char* c_str() const noexcept { return p_; }
    [[nodiscard]] bool is_null() const noexcept { return p_ == nullptr; }

private:
    std::string copy_;
    const char* p_ = nullptr;
    bool owns_ = false;
};

/// A borrowed run of bytes: anything contiguous with byte-sized elements
/// (std::string, std::string_view, std::vector<std::byte>, std::array,
/// std::span, keyutils::secret, ...), or an array of byte-sized elements,
/// which is all of its N elements. The one exception is the type of a string
/// literal, an array of const char whose last element is NUL: that NUL
/// terminates the text and is left out, so "abc" is three bytes (a NUL inside
/// the literal stays). A `const char*` counts up to its NUL.
class bytes_view {
    template <class T>
    static constexpr bool is_byte_element_v = sizeof(T) == 1 && (std::is_integral_v<T> || std::is_enum_v<T>);

public:
    constexpr bytes_view() noexcept = default;
    constexpr bytes_view(const void* data, std::size_t size) noexcept : data_(data), size_(size) {}

    /// A NUL-terminated string; null is empty. A template, so that arrays
    /// prefer the array constructors below to decaying into a pointer.
    template <class P, std::enable_if_t<std::is_same_v<P, const char*> || std::is_same_v<P, char*>, int> = 0>
    constexpr bytes_view(P s) noexcept : data_(s), size_(s ? std::char_traits<char>::length(s) : 0)
    {}

    /// Every element of a modifiable array, NULs included.
    template <class T, std::size_t N, std::enable_if_t<is_byte_element_v<T>, int> = 0>
    constexpr bytes_view(T (&a)[N]) noexcept : data_(a), size_(N)
    {}
    /// Every element of a constant array, but a terminating NUL of a const
    /// char array (a string literal) is not part of the bytes.
    template <class T, std::size_t N, std::enable_if_t<is_byte_element_v<T>, int> = 0>
    constexpr bytes_view(const T (&a)[N]) noexcept
        : data_(a), size_(std::is_same_v<T, char> && a[N - 1] == T{} ? N - 1 : N)
    {}

    /// A contiguous container of byte-sized elements.
    template <class C,
              class = std::enable_if_t<
                  !std::is_array_v<std::remove_reference_t<C>> && !std::is_pointer_v<std::decay_t<C>>
                  && !std::is_same_v<std::decay_t<C>, bytes_view>
                  && sizeof(*std::data(std::declval<const C&>())) == 1
                  && std::is_convertible_v<decltype(std::size(std::declval<const C&>())), std::size_t>>>
    constexpr bytes_view(const C& c) noexcept : data_(std::data(c)), size_(std::size(c))
    {}

    [[nodiscard]] constexpr const void* data() const noexcept { return data_; }
    [[nodiscard]] constexpr std::size_t size() const noexcept { return size_; }
    [[nodiscard]] constexpr bool empty() const noexcept { return size_ == 0; }
    [[nodiscard]] std::string_view as_chars() const noexcept
    {
        return {static_cast<const char*>(data_), size_};
    }

private:
    const void* data_ = nullptr;
    std::size_t size_ = 0;
};

/// A byte buffer for payloads read back from the kernel.
using byte_buffer = std::vector<std::byte>;

namespace detail {

inline void wipe(void* p, std::size_t n) noexcept
{
#if defined(__GLIBC__)
    ::explicit_bzero(p, n);
#else
    auto* v = static_cast<volatile unsigned char*>(p);
    while (n--)
        *v++ = 0;
#endif
}

} // namespace detail

/// A move-only byte buffer that is zeroed before its memory is released; for
/// passwords, tokens and other key material.
class secret {
public:
    secret() noexcept = default;
    /// `size` zero bytes.
    explicit secret(std::size_t size) : data_(size ? new std::byte[size]() : nullptr), size_(size) {}
    /// A copy of `bytes`.
    explicit secret(bytes_view bytes) : secret(bytes.size())
    {
        if (size_)
            std::memcpy(data_, bytes.data(), size_);
    }
    secret(const secret&) = delete;
    secret& operator=(const secret&) = delete;
    secret(secret&& other) noexcept
        : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0))
    {}
    secret& operator=(secret&& other) noexcept
    {
        if (this != &other) {
            release_memory();
            data_ = std::exchange(other.data_, nullptr);
            size_ = std::exchange(other.size_, 0);
        }
        return *this;
    }
    ~secret() { release_memory(); }

    [[nodiscard]] std::byte* data() noexcept { return data_; }
    [[nodiscard]] const std::byte* data() const noexcept { return data_; }
    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
    [[nodiscard]] std::string_view as_chars() const noexcept
    {
        return {reinterpret_cast<const char*>(data_), size_};
    }
    /// Zeroes the contents, keeping the size.
    void wipe() noexcept
    {
        if (data_)
            detail::wipe(data_, size_);
    }
    /// Shrinks the visible size (the tail is wiped); never grows.
    void truncate(std::size_t size) noexcept
    {
        if (size < size_) {
            detail::wipe(data_ + size, size_ - size);
            size_ = size;
        }
    }

private:
    void release_memory() noexcept
    {
        wipe();
        delete[] data_;
        data_ = nullptr;
        size_ = 0;
    }

    std::byte* data_ = nullptr;
    std::size_t size_ = 0;
};

} // namespace keyutils

#endif // KEYUTILS_BYTES_HPP
