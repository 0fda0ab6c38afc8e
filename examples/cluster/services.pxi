# Roles: what runs inside the guests. Each becomes an Ansible role.
# Sizing profiles: local ones build on the stdlib's small/medium/large/xlarge.

# ───────────────────────────── roles ─────────────────────────────

# Everything every managed VM gets, applied first.
role common {
  description = "Baseline: packages, SSH hardening, host firewall, metrics exporter"
  depends     = [roles.base, roles.ssh_hardening, roles.firewall, roles.node_exporter]
  packages    = ["vim", "tmux", "rsync"]
}

# The web shop's frontends, in the DMZ behind the load balancers. Not on top of
# roles.nginx: that one opens 80 and 443 to anyone, and the `from` below would not hold.
role web {
  description = "nginx serving the shop's static assets and proxying to the app tier"
  packages    = ["nginx"]
  services    = ["nginx"]
  firewall {
    allow = [80]
    from  = [10.20.30.0/24]                # only the load balancers talk to us
  }
  file "/etc/nginx/conf.d/shop.conf" {
    content = file("files/shop.conf")
    mode    = "0644"
  }
  vars {
    server_name  = "shop.acme.example"
    upstream     = "app.acme.internal:8080"
    worker_count = 4
  }
}

# The shop's API: a Python service behind the web tier.
role app {
  description = "The shop API (gunicorn), talking to PostgreSQL and Redis"
  packages    = ["python3-venv", "python3-psycopg2", "libpq5"]
  services    = ["shop-api"]
  firewall {
    allow = [8080]
    from  = [10.20.30.0/24, 10.20.0.0/24]
  }
  file "/etc/systemd/system/shop-api.service" {
    content = file("files/shop-api.service")
  }
  file "/etc/shop/env" {
    content = "DATABASE_HOST=db-1.acme.internal\nREDIS_HOST=cache-1.acme.internal\n"
    mode    = "0640"
    owner   = "shop"
  }
  vars {
    workers     = 8
    release     = "2024.11.2"
    listen_port = 8080
  }
}

role postgres {
  description = "PostgreSQL 16 with streaming replication (db-1 primary)"
  packages    = ["postgresql", "postgresql-contrib", "pgbackrest"]
  services    = ["postgresql"]
  firewall {
    allow = [5432]
    from  = [10.20.0.0/24]
  }
  file "/etc/postgresql/16/main/conf.d/tuning.conf" {
    content = "max_connections = 200\nshared_buffers = 8GB\neffective_cache_size = 24GB\nwal_level = replica\n"
    owner   = "postgres"
  }
  vars {
    version           = 16
    primary           = "db-1.acme.internal"
    replication_slots = 2
    backup_repo       = "/mnt/backup/pgbackrest"
  }
}

role cache {
  description = "Redis for sessions and the job queue"
  galaxy      = "geerlingguy.redis"
  firewall {
    allow = [6379]
    from  = [10.20.0.0/24]
  }
  vars {
    redis_maxmemory        = "6gb"
    redis_maxmemory_policy = "allkeys-lru"
  }
}

# haproxy + keepalived: lb-1 and lb-2 share the DMZ address 10.20.30.10.
role lb {
  description = "TLS termination and load balancing for the shop"
  packages    = ["haproxy", "keepalived", "certbot"]
  services    = ["haproxy", "keepalived"]
  firewall { allow = [80, 443] }
  file "/etc/haproxy/haproxy.cfg" {
    content = file("files/haproxy.cfg")
  }
  vars {
    vip            = "10.20.30.10"
    vrrp_router_id = 30
  }
}

# std.roles is for Debian and Ubuntu (apt, ufw): the Rocky Linux VMs get this baseline
# instead (pxic refuses a Debian role on them, PXI0376), and their firewall is firewalld.
role el_common {
  description = "Baseline for Rocky Linux: guest agent, automatic security updates, tools"
  fits        = vm
  os          = [rocky, almalinux]
  packages    = ["qemu-guest-agent", "dnf-automatic", "vim-enhanced", "tmux", "rsync"]
  services    = ["qemu-guest-agent", "dnf-automatic.timer"]
  file "/etc/dnf/automatic.conf" {
    content = "[commands]\nupgrade_type = security\napply_updates = yes\n\n[emitters]\nemit_via = stdio\n"
    restart = []                            # read by each run of the timer
  }
}

role erp {
  description = "The vendor ERP (Java), certified on Rocky Linux 9 only"
  os          = [rocky, almalinux]
  packages    = ["java-17-openjdk-headless", "fontconfig"]
  services    = ["erp"]
  firewall {
    allow = [8443]
    from  = [10.20.0.0/24]
  }
  vars { heap = "12g" }
}

role monitoring {
  description = "Prometheus and Alertmanager scraping every node_exporter"
  packages    = ["prometheus", "prometheus-alertmanager", "prometheus-blackbox-exporter"]
  services    = ["prometheus", "prometheus-alertmanager", "prometheus-blackbox-exporter"]
  firewall {
    allow = [9090, 9093]
    from  = [10.20.0.0/24]
  }
  file "/etc/prometheus/prometheus.yml" {
    content = file("files/prometheus.yml")
  }
  vars { retention = "30d" }
}

# Docker publishes container ports past ufw (its own iptables rules come first), so a
# `from` here could not hold: git-1 is reachable on 443 and 2222 from wherever its
# network is, and the LAN is where it lives.
role gitea {
  description = "Gitea in Docker, with its own PostgreSQL container"
  depends     = [roles.docker]
  services    = ["gitea"]
  firewall {
    allow = [443, 2222]                     # git over SSH on 2222: 22 stays the host's sshd
  }
  file "/srv/gitea/docker-compose.yml" {
    content = file("files/gitea-compose.yml")
  }
  # Brings the Compose project up at boot, and again when either file changes.
  file "/etc/systemd/system/gitea.service" {
    content = file("files/gitea.service")
  }
  vars { domain = "git.acme.internal" }
}

role ci {
  description = "Gitea Actions runner executing jobs in Docker"
  depends     = [roles.docker]
  packages    = ["git", "make"]
  vars {
    instance    = "https://git.acme.internal"
    concurrency = 4
  }
}

role vpn {
  description = "WireGuard road-warrior VPN into the LAN"
  packages    = ["wireguard-tools"]
  services    = ["wg-quick@wg0"]
  firewall { allow_udp = [51820] }
}

role bastion {
  description = "SSH jump host: the only SSH entry from the DMZ into the LAN"
  packages    = ["fail2ban", "mosh"]
  services    = ["fail2ban"]
  firewall { allow = [22], allow_udp = [60001] }
}

# For the containers.

role dns {
  description = "Unbound: recursive resolver with the acme.internal zone"
  packages    = ["unbound"]
  services    = ["unbound"]
  firewall {
    allow     = [53]
    allow_udp = [53]
    from      = [10.20.0.0/24]
  }
  file "/etc/unbound/unbound.conf.d/acme.conf" {
    content = file("files/unbound-acme.conf")
  }
}

role pkgcache {
  description = "apt-cacher-ng so that 40 guests do not all download the same packages"
  packages    = ["apt-cacher-ng"]
  services    = ["apt-cacher-ng"]
  firewall {
    allow = [3142]
    from  = [10.20.0.0/24, 10.20.30.0/24]
  }
}

# ───────────────────────────── profiles ─────────────────────────────

# Databases: a large VM with more memory, its disk on the node's local NVMe
# (replication is PostgreSQL's job, not Ceph's), and the host CPU (all nodes are identical).
profile db : profiles.large {
  memory     = 32GiB
  disk       = 200GiB
  storage    = local-zfs
  cpu_type   = "host"
  pool       = prod
  tags       = ["prod", "postgres"]
  protection = true                         # stateful: no plan may destroy them
}

# Staging: cheap linked clones that stay off after a node reboot.
profile staging : profiles.small {
  pool       = staging
  full_clone = false
  on_boot    = false
  tags       = ["staging"]
}

# CI runners: big, disposable, their Docker layers on local disk.
profile runner : profiles.large {
  disk    = 120GiB
  storage = local-zfs
  pool    = infra
  tags    = ["ci"]
}
