"""dart parsers."""

from sbom.ecosystems.dart import pubspec_lock

PARSERS = (pubspec_lock,)
