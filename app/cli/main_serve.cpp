// nmt-serve: serves a trained model directory over HTTP (JSON API and a web page).
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <unistd.h>
#include <thread>

#include "app/cli/run_main.h"
#include "app/cli/version.h"
#include "app/config/config.h"
#include "app/decode/model_dir.h"
#include "app/decode/sentence_splitting.h"
#include "app/decode/translator.h"
#include "app/serve/server.h"
#include "common/error.h"

namespace {

// SIGINT and SIGTERM write their number into a pipe; a thread reading it
// stops the server (a signal handler may not). Blocking the signals instead
// would not do: libraries start threads before main() (OpenBLAS's pool), and
// a signal delivered to one of those would kill the process.
int g_signal_pipe[2] = {-1, -1};

void on_stop_signal(int signal) {
  const unsigned char byte = static_cast<unsigned char>(signal);
  [[maybe_unused]] auto written = write(g_signal_pipe[1], &byte, 1);
}

void catch_stop_signals() {
  if (pipe(g_signal_pipe) != 0) throw nmt::Error(std::string("cannot create a pipe: ") + strerror(errno));
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int wait_for_stop_signal() {
  unsigned char byte = 0;
  while (read(g_signal_pipe[0], &byte, 1) < 0 && errno == EINTR) {
  }
  return byte;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"Serve a trained model over HTTP: POST /translate (JSON), GET /health, GET /model, and a "
               "web page at /."};
  nmt::add_version_flag(cli, "nmt-serve");
  std::vector<std::string> model_dirs;
  std::string host = "127.0.0.1";
  int port = 8080;
  int batch_sentences = 0;
  nmt::TranslateOptions options;
  nmt::serve::ServeLimits limits;
  std::string abbreviations;
  cli.add_option("--model", model_dirs, "model directory written by nmt-train; give it again for an ensemble\n(their probabilities averaged at every step)")->required()->allow_extra_args(false);
  cli.add_option("--host", host, "address to listen on (0.0.0.0: every interface)")->capture_default_str();
  cli.add_option("--port", port, "port (0: any free port, printed on stdout)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  cli.add_option("--beam", options.beam, "default beam size of requests (default: the model's decoding.beam_size)")
      ->check(CLI::Range(1, 1000));
  cli.add_option("--set", options.overrides, "override a decoding value: decoding.key=value");
  cli.add_option("--device", options.device, "auto | cpu | cuda");
  cli.add_option("--threads", options.threads, "LibTorch intra-op threads (0 = auto: 1, in either precision)");
  cli.add_option("--max-body-bytes", limits.max_body_bytes, "larger request bodies get 413")
      ->check(CLI::Range(std::size_t{64}, std::size_t{1} << 30))
      ->capture_default_str();
  cli.add_option("--max-sentences", limits.max_sentences, "sentences per request")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cli.add_option("--max-tokens", limits.max_source_tokens, "source tokens per sentence")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cli.add_option("--max-beam", limits.max_beam, "largest beam a request may ask for")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cli.add_option("--queue-sentences", limits.queue_sentences, "sentences waiting before requests get 503")
      ->check(CLI::Range(1, 10000000))
      ->capture_default_str();
  cli.add_option("--batch-sentences", batch_sentences,
                 "sentences translated together (default: the model's decoding.batch_size)")
      ->check(CLI::Range(1, 100000));
  cli.add_option("--batch-wait-ms", limits.batch_wait_ms, "how long a batch waits for more requests")
      ->check(CLI::Range(0, 10000))
      ->capture_default_str();
  cli.add_option("--abbreviations", abbreviations,
                 "the source language's abbreviations for splitting texts into sentences, one per line\n"
                 "(as data/abbreviations/de.txt), instead of the built-in list")
      ->check(CLI::ExistingFile);
  cli.add_option("--http-threads", limits.http_threads, "connections served at once")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  CLI11_PARSE(cli, argc, argv);

  return nmt::run_main([&] {
    // A server shares the cores with its HTTP threads (and, often, its
    // clients): one LibTorch thread, even for bf16, whose offline auto is one
    // per core. Under load (scripts/serve_load.sh, bf16 Transformer) it made
    // 201 greedy / 75 beam-5 sentences/s at 32 clients, against 155 / 61 with
    // two threads, and 32 / 25 against 22 / 14 for one client.
    if (options.threads == 0) options.threads = 1;
    nmt::Config config;
    auto translator = nmt::open_translator(model_dirs, options, &config);
    if (limits.max_sentences > limits.queue_sentences)
      throw nmt::Error("--max-sentences " + std::to_string(limits.max_sentences) + " is larger than --queue-sentences " +
                       std::to_string(limits.queue_sentences) + ": such a request could never be queued");
    limits.batch_sentences = batch_sentences > 0 ? batch_sentences : config.decoding.batch_size;
    std::string path_name;  // an ensemble's: its members' names joined by '+'
    for (const auto& dir : model_dirs)
      path_name += (path_name.empty() ? "" : "+") + std::filesystem::canonical(dir).filename().string();
    nmt::serve::Server server(
        translator, limits,
        {path_name, nmt::serve::describe_model(config, translator.parameter_count(), path_name, limits),
         nmt::ModelDir{model_dirs.front()}.curves(), nmt::open_sentence_splitter(config.data.src_lang, abbreviations)});
    translator.translate({"warm up"});  // the first search allocates; no client should wait for that

    const int bound = server.bind(host, port);
    catch_stop_signals();
    std::thread signal_waiter([&] {
      const int signal = wait_for_stop_signal();
      std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C or SIGTERM ends the process at once
      std::signal(SIGTERM, SIG_DFL);
      spdlog::info("{}: finishing the requests in flight, then exiting (again: at once)", strsignal(signal));
      server.stop();
    });
    signal_waiter.detach();  // exits with the process; a failed run() ends main without a signal
    spdlog::info("serving {} on http://{}:{}/ (batches of up to {} sentences, {} ms wait)", path_name, host, bound,
                 limits.batch_sentences, limits.batch_wait_ms);
    std::cout << "http://" << host << ":" << bound << "/" << std::endl;
    server.run();
    spdlog::info("stopped");
    return 0;
  });
}
