#include "noc_sim.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>

#include "config.h"
#include "noc/traffic.h"

namespace dojo::platform {
namespace {

constexpr int kExitBadInput = 2;

struct NocSimOptions {
  std::string mesh = "8x8";
  std::string traffic = "uniform";
  std::string hotspot_node;
  noc::TrafficParams params;
  bool json = false;
};

// "WxH" -> width and height; false if it is not two positive numbers around an 'x'.
bool parse_pair(const std::string& text, char separator, uint32_t& first, uint32_t& second) {
  const size_t split = text.find(separator);
  if (split == std::string::npos || split == 0 || split + 1 == text.size()) return false;
  const auto number = [](const std::string& digits, uint32_t& value) {
    if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) {
      return false;
    }
    value = static_cast<uint32_t>(std::stoul(digits));
    return true;
  };
  return number(text.substr(0, split), first) && number(text.substr(split + 1), second);
}

noc::TrafficParams resolve(const NocSimOptions& options) {
  noc::TrafficParams params = options.params;
  if (!parse_pair(options.mesh, 'x', params.width, params.height)) {
    throw std::invalid_argument("--mesh " + options.mesh + ": expected WIDTHxHEIGHT, e.g. 8x8");
  }
  const auto pattern = noc::parse_pattern(options.traffic);
  if (!pattern) {
    throw std::invalid_argument("--traffic " + options.traffic +
                                ": unknown pattern (uniform, transpose, bitcomp, hotspot, bitrev, shuffle, tornado or neighbor)");
  }
  params.pattern = *pattern;
  if (!options.hotspot_node.empty()) {
    uint32_t x = 0, y = 0;
    if (!parse_pair(options.hotspot_node, ',', x, y)) {
      throw std::invalid_argument("--hotspot-node " + options.hotspot_node + ": expected X,Y, e.g. 4,4");
    }
    params.hotspot_node = std::make_pair(x, y);
  }
  return params;
}

const char* model_name(const noc::TrafficParams& p) {
  return p.network.model == noc::NetworkModel::cycle ? "cycle" : "ideal";
}

void print_json(const noc::TrafficParams& p, const noc::TrafficResult& r) {
  std::printf("{\"model\": \"%s\", \"mesh\": \"%ux%u\", \"traffic\": \"%s\", ", model_name(p),
              p.width, p.height, noc::pattern_name(p.pattern));
  if (p.network.model == noc::NetworkModel::cycle) {
    std::printf("\"vcs\": %u, \"vc_buffer\": %u, \"flow_control\": \"%s\", ", p.network.vcs,
                p.network.vc_buffer, p.network.flow_control == noc::FlowControl::vct ? "vct" : "wormhole");
  }
  if (p.pattern == noc::Pattern::hotspot) {
    std::printf("\"hotspot_node\": [%u, %u], \"hotspot_fraction\": %.6g, ", r.hotspot_node.first,
                r.hotspot_node.second, p.hotspot_fraction);
  }
  std::printf(
      "\"packet_flits\": %u, \"injection_rate\": %.6g, \"router_latency\": %u, \"link_latency\": %u, "
      "\"warmup\": %llu, \"measure\": %llu, \"sample_period\": %llu, \"convergence\": %.6g, "
      "\"max_measure\": %llu, \"latency_threshold\": %.6g, \"drain_limit\": %llu, \"seed\": %llu, \"seeds\": %u, "
      "\"offered_rate\": %.6g, \"packets_measured\": %llu, \"flits_measured\": %llu, "
      "\"avg_packet_latency\": %.4f, \"p99_packet_latency\": %llu, \"max_packet_latency\": %llu, "
      "\"zero_load_latency\": %.4f, \"measured_zero_load_latency\": %.4f, \"accepted_throughput\": %.6f, \"throughput_bound\": %.6f, "
      "\"bottleneck\": \"%s\", \"samples\": %llu, \"measured_cycles\": %llu, \"converged\": %s, "
      "\"delivery_span\": %llu, ",
      p.packet_flits, p.injection_rate, noc::router_pipeline_cycles(p.network), p.network.link_latency,
      static_cast<unsigned long long>(p.warmup), static_cast<unsigned long long>(p.measure),
      static_cast<unsigned long long>(p.sample_period), p.convergence, static_cast<unsigned long long>(p.max_measure),
      p.latency_threshold, static_cast<unsigned long long>(p.drain_limit), static_cast<unsigned long long>(p.seed),
      p.seeds, p.injection_rate, static_cast<unsigned long long>(r.packets_measured),
      static_cast<unsigned long long>(r.flits_measured), r.avg_packet_latency,
      static_cast<unsigned long long>(r.p99_packet_latency),
      static_cast<unsigned long long>(r.max_packet_latency), r.bounds.zero_load_latency,
      r.measured_zero_load_latency, r.accepted_throughput, r.bounds.throughput_bound, r.bounds.bottleneck.c_str(),
      static_cast<unsigned long long>(r.samples), static_cast<unsigned long long>(r.measured_cycles),
      r.converged ? "true" : "false", static_cast<unsigned long long>(r.delivery_span));
  if (p.seeds > 1) {
    std::printf("\"avg_packet_latency_range\": [%.4f, %.4f], \"accepted_throughput_range\": [%.6f, %.6f], ",
                r.latency_range.first, r.latency_range.second, r.accepted_range.first, r.accepted_range.second);
  }
  std::printf("\"saturated\": %s}\n", r.saturated ? "true" : "false");
}

void print_text(const noc::TrafficParams& p, const noc::TrafficResult& r) {
  std::printf("noc-sim: %s model, %ux%u mesh, %s traffic", model_name(p), p.width, p.height,
              noc::pattern_name(p.pattern));
  if (p.pattern == noc::Pattern::hotspot) {
    std::printf(" (%.3g of packets to %u,%u)", p.hotspot_fraction, r.hotspot_node.first, r.hotspot_node.second);
  }
  std::printf(", %u-flit packets, offered %.4g flits/node/cycle\n", p.packet_flits, p.injection_rate);
  std::printf("  router latency %u, link latency %u; warm-up %llu cycles, samples of %llu until the latency moves by "
              "%.3g or less (%llu to %llu cycles), latency threshold %.6g, drain limit %llu cycles; seed %llu",
              noc::router_pipeline_cycles(p.network), p.network.link_latency, static_cast<unsigned long long>(p.warmup),
              static_cast<unsigned long long>(p.sample_period), p.convergence, static_cast<unsigned long long>(p.measure),
              static_cast<unsigned long long>(p.max_measure), p.latency_threshold,
              static_cast<unsigned long long>(p.drain_limit), static_cast<unsigned long long>(p.seed));
  if (p.seeds > 1) std::printf(" and the next %u", p.seeds - 1);
  std::printf("\n");
  std::printf("measured:            %llu samples, %llu cycles%s\n", static_cast<unsigned long long>(r.samples),
              static_cast<unsigned long long>(r.measured_cycles), r.converged ? ", converged" : ", not converged");
  std::printf("packets measured:    %llu (%llu flits)\n", static_cast<unsigned long long>(r.packets_measured),
              static_cast<unsigned long long>(r.flits_measured));
  std::printf("average latency:     %.2f cycles (zero-load: %.2f for these packets, %.2f for the pattern)\n",
              r.avg_packet_latency, r.measured_zero_load_latency, r.bounds.zero_load_latency);
  if (p.seeds > 1) {
    std::printf("  over %u seeds:      %.2f to %.2f cycles; accepted %.4f to %.4f\n", p.seeds, r.latency_range.first,
                r.latency_range.second, r.accepted_range.first, r.accepted_range.second);
  }
  std::printf("p99 / max latency:   %llu / %llu cycles\n", static_cast<unsigned long long>(r.p99_packet_latency),
              static_cast<unsigned long long>(r.max_packet_latency));
  std::printf("accepted throughput: %.4f flits/node/cycle (bound %.4f, set by %s)\n", r.accepted_throughput,
              r.bounds.throughput_bound, r.bounds.bottleneck.c_str());
  std::printf("saturated:           %s\n", r.saturated ? "yes" : "no");
}

// What --help shows an option of a declared parameter takes: "SIZE", "COUNT" or its choices.
std::string value_name(const param::Spec& spec) {
  std::string name;
  if (spec.kind == param::Kind::choice) {
    for (const std::string& choice : spec.choices) name += (name.empty() ? "" : "|") + choice;
    return name;
  }
  for (const char c : std::string(kind_name(spec.kind)))
    name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

}  // namespace

std::function<int()> add_noc_sim_command(CLI::App& app) {
  auto options = std::make_shared<NocSimOptions>();
  noc::TrafficParams& p = options->params;
  CLI::App* command = app.add_subcommand(
      "noc-sim", "Run the network-on-chip alone under synthetic traffic (docs/noc.md)");
  command->add_option("--mesh", options->mesh, "Routers of the one-chip mesh: WIDTHxHEIGHT")->capture_default_str();
  command->add_option("--traffic", options->traffic, "Pattern: uniform, transpose, bitcomp, hotspot, bitrev, shuffle, tornado or neighbor")->capture_default_str();
  command->add_option("--hotspot-node", options->hotspot_node,
                      "Hotspot traffic: the hot node X,Y (default: the mesh's centre)");
  command->add_option("--hotspot-fraction", p.hotspot_fraction,
                      "Hotspot traffic: fraction of packets sent to the hot node")->capture_default_str();
  command->add_option("--packet-flits", p.packet_flits, "Flits per packet")->capture_default_str();
  command->add_option("--injection-rate", p.injection_rate,
                      "Offered load: flits per node per cycle (0 to 1)")->capture_default_str();
  // The network's own parameters, as it declares them: --router-latency for noc.router_latency.
  for (const auto& declaration : noc::network_settings_parameters()) {
    std::string name = declaration.key;
    std::replace(name.begin(), name.end(), '_', '-');
    const std::string option = "--" + name;
    command
        ->add_option_function<std::string>(
            option,
            [&p, &declaration, option](const std::string& text) {
              try {
                declaration.set(p.network,
                                parse_parameter(declaration, "noc." + declaration.key, text, option));
              } catch (const ConfigError& error) {
                throw CLI::ValidationError(error.what());  // reported as a usage error, status 2
              }
            },
            declaration.help + " (noc." + declaration.key + ")")
        ->default_str(format_parameter(declaration, declaration.get(p.network)))
        ->type_name(value_name(declaration));
  }
  command->add_option("--warmup", p.warmup, "Cycles before measuring")->capture_default_str();
  command->add_option("--measure", p.measure, "Cycles measured at least")->capture_default_str();
  command->add_option("--sample-period", p.sample_period, "Cycles of a measurement sample")->capture_default_str();
  command->add_option("--convergence", p.convergence,
                      "The measurement ends when a sample moves the average latency by at most this "
                      "fraction of it")->capture_default_str();
  command->add_option("--max-measure", p.max_measure, "Cycles measured at most")->capture_default_str();
  command->add_option("--latency-threshold", p.latency_threshold,
                      "A sample whose average latency exceeds this many cycles makes the run saturated "
                      "(0: none)")->capture_default_str();
  command->add_option("--drain-limit", p.drain_limit,
                      "Cycles after its sample by which every measured packet must be delivered, "
                      "or the run counts as saturated")->capture_default_str();
  command->add_option("--seed", p.seed, "Random seed: equal seeds give equal results")->capture_default_str();
  command->add_option("--seeds", p.seeds, "Runs, with seeds seed, seed + 1, ...: their figures averaged")
      ->capture_default_str();
  command->add_flag("--json", options->json, "Print one JSON object");
  return [options] {
    try {
      const noc::TrafficParams params = resolve(*options);
      const noc::TrafficResult result = noc::run_traffic(params);
      (options->json ? print_json : print_text)(params, result);
      return 0;
    } catch (const std::invalid_argument& error) {
      std::cerr << "dojo-vp: noc-sim: " << error.what() << "\n";
      return kExitBadInput;
    }
  };
}

}  // namespace dojo::platform
