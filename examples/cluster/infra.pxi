# Shared infrastructure, CI and staging.

# ───────────────────────────── DNS, package cache (containers) ─────────────────────────────

container dns-1 {
  host        = pve1
  template    = os.debian_12_lxc
  storage     = ceph-vm
  pool        = infra
  cores       = 1
  memory      = 512MiB
  swap        = 256MiB
  disk        = 4GiB
  network lan { ip = 10.20.0.53 }
  roles       = [roles.essentials, dns]      # roles.base is for VMs: no guest agent in LXC
  user ops { ssh_keys = [file("keys/ops.pub")], sudo = true }
  tags        = ["infra", "dns"]
  description = "Unbound resolver, primary"
}

container dns-2 {
  host        = pve2
  template    = os.debian_12_lxc
  storage     = ceph-vm
  pool        = infra
  cores       = 1
  memory      = 512MiB
  swap        = 256MiB
  disk        = 4GiB
  network lan { ip = 10.20.0.54 }
  roles       = [roles.essentials, dns]      # roles.base is for VMs: no guest agent in LXC
  user ops { ssh_keys = [file("keys/ops.pub")], sudo = true }
  tags        = ["infra", "dns"]
  description = "Unbound resolver, secondary"
}

container pkgcache-1 {
  host        = pve3
  template    = os.debian_12_lxc
  storage     = local-zfs                  # a cache: no need to replicate it over Ceph
  pool        = infra
  cores       = 1
  memory      = 1GiB
  disk        = 64GiB
  network lan { ip = 10.20.0.60 }
  roles       = [roles.essentials, pkgcache]
  user ops { ssh_keys = [file("keys/ops.pub")], sudo = true }
  tags        = ["infra"]
  description = "apt-cacher-ng for the LAN and the DMZ"
}

# A scratch container for the ops team's ad-hoc tooling. It runs Docker, hence
# `nesting`; not `keyctl`, which Proxmox lets only root@pam with a password set (the
# API token Terraform uses gets 403), and which Docker in an unprivileged container
# does without on Proxmox VE 8 and 9.
container tools-1 {
  host        = pve3
  template    = os.debian_12_lxc
  storage     = ceph-vm
  pool        = infra
  cores       = 2
  memory      = 2GiB
  disk        = 16GiB
  network lan { ip = auto }
  roles       = [roles.essentials, roles.docker]
  tags        = ["infra", "tools"]
  user ops { ssh_keys = [file("keys/ops.pub")], sudo = true }
  features { nesting = true }
}

# ───────────────────────────── monitoring, git, access ─────────────────────────────

vm mon-1 : profiles.medium {
  host        = pve3
  template    = ubuntu-2404
  pool        = infra
  disk        = 200GiB                     # 30 days of metrics for ~45 targets
  network lan { ip = 10.20.0.30 }
  roles       = [common, monitoring]
  user ops { ssh_keys = [file("keys/ops.pub")], sudo = true }
  tags        = ["infra", "monitoring"]
  description = "Prometheus + Alertmanager"
}

# Jellyfin transcodes on the GPU of pve2 or pve3 (the mapping `gpu`): it can be moved
# between them, stopped (a VM with a passed-through device cannot migrate live).
vm media-1 : profiles.medium {
  host        = pve2
  template    = ubuntu-2404-uefi
  pool        = infra
  disk        = 60GiB
  network lan { ip = auto }
  pci gpu { pcie = true }
  roles       = [common]
  user ops { ssh_keys = [file("keys/ops.pub")], sudo = true }
  tags        = ["infra", "media"]
  description = "Jellyfin with GPU transcoding"
}

vm git-1 : profiles.medium {
  host        = pve1
  template    = ubuntu-2404-docker
  pool        = infra
  disk        = 150GiB
  network lan { ip = 10.20.0.25 }
  roles       = [common, gitea]
  tags        = ["infra", "git"]
  description = "Gitea (git.acme.internal)"
  user ops { ssh_keys = [file("keys/ops.pub")], sudo = true }
}

# The bastion has a leg in each network: SSH in from the DMZ, out to the LAN.
vm bastion-1 : profiles.small {
  host        = pve1
  template    = debian-12-hardened
  pool        = infra
  network dmz { ip = 10.20.30.20 }
  network lan { ip = 10.20.0.22 }
  roles       = [common, bastion]
  tags        = ["infra", "bastion"]
  description = "SSH jump host"
  user ops {
    ssh_keys = [file("keys/ops.pub")]
    sudo     = true
    shell    = "/bin/bash"
  }
}

vm vpn-1 : profiles.small {
  host        = pve2
  template    = debian-12-hardened
  pool        = infra
  memory      = 1GiB
  network dmz { ip = 10.20.30.21 }
  roles       = [common, vpn]
  tags        = ["infra", "vpn"]
  description = "WireGuard endpoint (udp/51820 forwarded by the router)"
  user ops { ssh_keys = [file("keys/ops.pub")], sudo = true }
}

# ───────────────────────────── CI runners ─────────────────────────────

for i in 1..=2 {
  vm "ci-runner-${i}" : runner {
    host        = pve2
    template    = ubuntu-2404-docker
    network lan { ip = auto }
    roles       = [common, ci]
    user ops { ssh_keys = [file("keys/ops.pub")], sudo = true }
    description = "Gitea Actions runner ${i}"
  }
}

for i in 3..=4 {
  vm "ci-runner-${i}" : runner {
    host        = pve1
    template    = ubuntu-2404-docker
    network lan { ip = auto }
    roles       = [common, ci]
    user ops { ssh_keys = [file("keys/ops.pub")], sudo = true }
    description = "Gitea Actions runner ${i}"
  }
}

# ───────────────────────────── staging ─────────────────────────────
# A scaled-down copy of prod on the LAN only: linked clones, off after a node reboot.

for i in 1..=2 {
  vm "stg-web-${i}" : staging {
    host     = pve2
    template = ubuntu-2404
    network lan { ip = auto }
    roles    = [common, web]
    user ops { ssh_keys = [file("keys/ops.pub")], sudo = true }
    tags     = ["staging", "web"]
  }
}

for i in 1..=2 {
  vm "stg-app-${i}" : staging {
    host     = pve3
    template = ubuntu-2404
    network lan { ip = auto }
    roles    = [common, app]
    user ops { ssh_keys = [file("keys/ops.pub")], sudo = true }
    tags     = ["staging", "app"]
  }
}

vm stg-db-1 : staging {
  host     = pve2
  template = ubuntu-2404
  memory   = 4GiB
  disk     = 50GiB
  network lan { ip = auto }
  roles    = [common, postgres]
  user ops { ssh_keys = [file("keys/ops.pub")], sudo = true }
  tags     = ["staging", "postgres"]
}
