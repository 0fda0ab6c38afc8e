# Production: the web shop.
#
#   internet ─▶ lb-1/lb-2 (DMZ, VIP .10) ─▶ web-1..6 (DMZ) ─▶ app-1..6 (LAN)
#                                                              ├─▶ db-1 (primary) ─▶ db-2, db-3
#                                                              └─▶ cache-1..3
#
# Every tier has a member on every node, so losing one node loses a third of each tier.

# ───────────────────────────── load balancers ─────────────────────────────

vm lb-1 : profiles.small {
  host        = pve1
  template    = debian-12-hardened
  pool        = prod
  network dmz { ip = 10.20.30.11 }
  roles       = [common, lb]
  user ops { ssh_keys = [file("keys/ops.pub")], sudo = true }
  tags        = ["prod", "lb"]
  description = "haproxy + keepalived, VRRP master for 10.20.30.10"
}

vm lb-2 : profiles.small {
  host        = pve2
  template    = debian-12-hardened
  pool        = prod
  network dmz { ip = 10.20.30.12 }
  roles       = [common, lb]
  user ops { ssh_keys = [file("keys/ops.pub")], sudo = true }
  tags        = ["prod", "lb"]
  description = "haproxy + keepalived, VRRP backup for 10.20.30.10"
}

# ───────────────────────────── web tier (DMZ) ─────────────────────────────
# `ops` comes first: a VM's first user is its cloud-init user, which always has sudo
# (and is whom Ansible logs in as); `deploy`, without sudo, is created by Ansible.

for i in 1..=2 {
  vm "web-${i}" : profiles.medium {
    host     = pve1
    template = ubuntu-2404
    pool     = prod
    network dmz { ip = auto }
    roles    = [common, web]
    tags     = ["prod", "web"]
    user ops    { ssh_keys = [file("keys/ops.pub")], sudo = true }
    user deploy { ssh_keys = [file("keys/deploy.pub")] }
  }
}

for i in 3..=4 {
  vm "web-${i}" : profiles.medium {
    host     = pve2
    template = ubuntu-2404
    pool     = prod
    network dmz { ip = auto }
    roles    = [common, web]
    tags     = ["prod", "web"]
    user ops    { ssh_keys = [file("keys/ops.pub")], sudo = true }
    user deploy { ssh_keys = [file("keys/deploy.pub")] }
  }
}

for i in 5..=6 {
  vm "web-${i}" : profiles.medium {
    host     = pve3
    template = ubuntu-2404
    pool     = prod
    network dmz { ip = auto }
    roles    = [common, web]
    tags     = ["prod", "web"]
    user ops    { ssh_keys = [file("keys/ops.pub")], sudo = true }
    user deploy { ssh_keys = [file("keys/deploy.pub")] }
  }
}

# ───────────────────────────── app tier (LAN) ─────────────────────────────

for i in 1..=2 {
  vm "app-${i}" : profiles.large {
    host        = pve1
    template    = ubuntu-2404
    pool        = prod
    balloon     = 8GiB
    network lan { ip = auto }
    roles       = [common, app]
    user ops { ssh_keys = [file("keys/ops.pub")], sudo = true }
    tags        = ["prod", "app"]
    description = "shop API worker ${i}"
  }
}

for i in 3..=4 {
  vm "app-${i}" : profiles.large {
    host        = pve2
    template    = ubuntu-2404
    pool        = prod
    balloon     = 8GiB
    network lan { ip = auto }
    roles       = [common, app]
    user ops { ssh_keys = [file("keys/ops.pub")], sudo = true }
    tags        = ["prod", "app"]
    description = "shop API worker ${i}"
  }
}

for i in 5..=6 {
  vm "app-${i}" : profiles.large {
    host        = pve3
    template    = ubuntu-2404
    pool        = prod
    balloon     = 8GiB
    network lan { ip = auto }
    roles       = [common, app]
    user ops { ssh_keys = [file("keys/ops.pub")], sudo = true }
    tags        = ["prod", "app"]
    description = "shop API worker ${i}"
  }
}

# ───────────────────────────── databases ─────────────────────────────
# Fixed addresses (the app's config names them) and fixed VMIDs (the backup jobs do).

vm db-1 : db {
  host        = pve1
  vmid        = 2001
  template    = ubuntu-2404
  network lan { ip = 10.20.0.41 }
  roles       = [common, postgres]
  description = "PostgreSQL 16 primary"
  user dba { ssh_keys = [file("keys/ops.pub")], sudo = true }
}

vm db-2 : db {
  host        = pve2
  vmid        = 2002
  template    = ubuntu-2404
  network lan { ip = 10.20.0.42 }
  roles       = [common, postgres]
  description = "PostgreSQL 16 synchronous standby"
  user dba { ssh_keys = [file("keys/ops.pub")], sudo = true }
}

vm db-3 : db {
  host        = pve3
  vmid        = 2003
  template    = ubuntu-2404
  disk        = 500GiB                      # also keeps the pgBackRest repository
  network lan { ip = 10.20.0.43 }
  roles       = [common, postgres]
  description = "PostgreSQL 16 asynchronous standby and backup repository"
  user dba { ssh_keys = [file("keys/ops.pub")], sudo = true }
}

# ───────────────────────────── cache ─────────────────────────────

vm cache-1 : profiles.medium {
  host     = pve1
  template = debian-12
  pool     = prod
  cores    = 2
  network lan { ip = auto }
  roles    = [common, cache]
  user ops { ssh_keys = [file("keys/ops.pub")], sudo = true }
  tags     = ["prod", "redis"]
}

vm cache-2 : profiles.medium {
  host     = pve2
  template = debian-12
  pool     = prod
  cores    = 2
  network lan { ip = auto }
  roles    = [common, cache]
  user ops { ssh_keys = [file("keys/ops.pub")], sudo = true }
  tags     = ["prod", "redis"]
}

vm cache-3 : profiles.medium {
  host     = pve3
  template = debian-12
  pool     = prod
  cores    = 2
  network lan { ip = auto }
  roles    = [common, cache]
  user ops { ssh_keys = [file("keys/ops.pub")], sudo = true }
  tags     = ["prod", "redis"]
}

# ───────────────────────────── ERP (Rocky, pve3 only) ─────────────────────────────

for i in 1..=2 {
  vm "erp-${i}" : profiles.large {
    host        = pve3
    template    = rocky-9                  # on pve3's local ZFS: cannot be cloned elsewhere
    pool        = prod
    memory      = 16GiB
    disk        = 100GiB
    network lan { ip = auto }
    roles       = [el_common, erp]         # `common` is Debian's
    user ops { ssh_keys = [file("keys/ops.pub")], sudo = true }
    tags        = ["prod", "erp"]
    description = "vendor ERP application server ${i}"
  }
}
