// Shared command-line parsing for nzcore and nzctl (CLI11, header-only; include
// only from a main file). `--help` prints and exits 0; any parse error prints the
// problem and the usage text and maps to exit code 2 (usage), as docs/cli.md promises.
#pragma once

#include <iostream>
#include <optional>

#include <CLI/CLI.hpp>

namespace nz {

inline constexpr int cli_usage_exit = 2;

/// Parses argv into `app`. Returns an exit code when the program should stop now
/// (help shown or bad arguments), nullopt when it should go on.
inline std::optional<int> parse_cli(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    std::cerr << "\n" << app.help();
    return cli_usage_exit;
  }
  return std::nullopt;
}

}  // namespace nz
