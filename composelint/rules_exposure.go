package composelint

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/vouch-dev/vouch/finding"
)

// Rules about what a service exposes: published ports and the image it runs.

// sensitivePorts are container ports of databases, caches, brokers and
// admin interfaces: published on every interface, they are found by scanners
// within minutes.
var sensitivePorts = map[uint32]string{
	22: "SSH", 23: "telnet", 2375: "the Docker API", 2376: "the Docker API", 2379: "etcd", 2380: "etcd",
	3306: "MySQL", 5432: "PostgreSQL", 1433: "SQL Server", 1521: "Oracle", 27017: "MongoDB",
	6379: "Redis", 11211: "memcached", 9200: "Elasticsearch", 9300: "Elasticsearch", 5984: "CouchDB",
	8086: "InfluxDB", 7474: "Neo4j", 9042: "Cassandra", 5672: "RabbitMQ", 15672: "RabbitMQ management",
	9092: "Kafka", 2181: "ZooKeeper", 8500: "Consul", 8200: "Vault", 6443: "the Kubernetes API",
	10250: "the kubelet", 3389: "RDP", 5900: "VNC", 5601: "Kibana", 9090: "Prometheus", 9000: "an admin console",
}

// allInterfaces reports whether a host_ip binds every interface.
func allInterfaces(ip string) bool {
	switch strings.Trim(ip, "[]") {
	case "", "0.0.0.0", "::":
		return true
	}
	return false
}

// portsOf expands a ports entry, short or long syntax, as compose-go does.
func portsOf(it item) []types.ServicePortConfig {
	if m, ok := it.value.(map[string]any); ok {
		t, _ := strconv.ParseUint(fmt.Sprint(m["target"]), 10, 32)
		p := types.ServicePortConfig{Target: uint32(t), HostIP: it.field("host_ip"), Published: it.field("published")}
		return []types.ServicePortConfig{p}
	}
	ps, err := types.ParsePortConfig(it.str())
	if err != nil {
		return nil
	}
	return ps
}

func samePort(a, b types.ServicePortConfig) bool {
	return a.Target == b.Target && a.Published == b.Published && strings.Trim(a.HostIP, "[]") == strings.Trim(b.HostIP, "[]")
}

var rulePortAllInterfaces = &rule{
	Rule: finding.Rule{
		ID: "VCH-DC-015", Name: "port-all-interfaces", Category: finding.CategoryCompose, Severity: finding.Medium,
		Title: "Service publishes a port on every host interface",
		Rationale: "A port published without a host address listens on every interface of the host, " +
			"public ones included, and Docker's iptables rules bypass host firewalls such as ufw. " +
			"Databases, caches and admin interfaces exposed that way are found by scanners within " +
			"minutes, so those are reported as high.",
		Fix: "Bind the port to the interface it is meant for, such as `127.0.0.1:5432:5432`, or do not " +
			"publish it and let other services reach it on the compose network.",
		Bad:     "services:\n  db:\n    image: postgres:17\n    ports:\n      - \"5432:5432\"\n",
		Good:    "services:\n  db:\n    image: postgres:17\n    ports:\n      - \"127.0.0.1:5432:5432\"\n",
		Aliases: []finding.Alias{{Tool: "kics", ID: "451d79dc-0588-476a-ad03-3c7f0320abb3"}},
	},
	check: func(s *service) []issue {
		var out []issue
		for _, p := range s.cfg.Ports {
			if !allInterfaces(p.HostIP) {
				continue
			}
			host := p.Published
			if host == "" {
				host = "a random port"
			}
			msg := fmt.Sprintf("port %d/%s is published on %s of every host interface", p.Target, proto(p), host)
			is := entry(msg, fmt.Sprintf("%s:%d/%s", p.Published, p.Target, proto(p)),
				func(it item) bool {
					for _, q := range portsOf(it) {
						if samePort(p, q) {
							return true
						}
					}
					return false
				}, "ports")
			if what, ok := sensitivePorts[p.Target]; ok {
				is.message += fmt.Sprintf(", and it is %s's port", what)
				is.severity = finding.High
			}
			out = append(out, is)
		}
		return out
	},
}

func proto(p types.ServicePortConfig) string {
	if p.Protocol == "" {
		return "tcp"
	}
	return p.Protocol
}

var ruleImagePin = &rule{
	Rule: finding.Rule{
		ID: "VCH-DC-017", Name: "image-not-pinned", Category: finding.CategoryCompose, Severity: finding.Low,
		Title: "Service image is not pinned by digest",
		Rationale: "A tag can be moved to another image at any time, by the publisher or by whoever " +
			"compromises the registry account; `latest` (or no tag) changes on every release. Only a " +
			"digest says exactly which image runs.",
		Fix:  "Pin the image by digest, keeping the tag for readers: `image: nginx:1.27@sha256:<digest>`.",
		Bad:  "services:\n  web:\n    image: nginx:latest\n",
		Good: "services:\n  web:\n    image: nginx:1.27@sha256:6784fb0834aa7dbbe12e3d7471e69c290df3e6ba810dc38b34ae33d3c1c05f7d\n",
	},
	check: func(s *service) []issue {
		img := strings.TrimSpace(s.cfg.Image)
		if img == "" || strings.Contains(img, "@") {
			return nil
		}
		name := img[strings.LastIndex(img, "/")+1:]
		var msg string
		switch _, tag, ok := strings.Cut(name, ":"); {
		case !ok:
			msg = fmt.Sprintf("image %s has no tag (so :latest) and no digest", img)
		case tag == "latest":
			msg = fmt.Sprintf("image %s is :latest and has no digest", img)
		default:
			msg = fmt.Sprintf("image %s is not pinned by digest", img)
		}
		return []issue{at(msg, "image")}
	},
}
