"""C and C++ parsers."""

from sbom.ecosystems.cpp import conan_lock, vcpkg_json

PARSERS = (conan_lock, vcpkg_json)
