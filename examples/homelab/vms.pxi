# The VMs and the roles that configure them.

role web {
  packages = ["nginx"]
  services = ["nginx"]
  firewall { allow = [80, 443] }
}

# The router: its WAN port takes its address from the ISP's box by DHCP (and its
# default route with it); its LAN port, a trunk on the VLAN-aware vmbr0, holds the
# network's gateway. Ansible connects to it there.
vm router : small {
  host     = pve1
  template = ubuntu-2404
  network wan { ip = dhcp }
  network lan { ip = 10.10.0.1, is_gateway = true }
  roles    = [roles.base]
}

vm web-01 : small {
  host     = pve1
  template = ubuntu-2404
  pool     = prod
  network lan { ip = 10.10.0.21 }
  roles    = [roles.base, web]
  user admin { ssh_keys = [file("keys/admin.pub")], sudo = true }
  tags     = ["web", "prod"]
}

vm db-01 : medium {
  host        = pve1
  template    = ubuntu-2404
  pool        = prod
  disk        = 100GiB
  network lan { ip = 10.10.0.31 }
  roles       = [roles.base]
  description = "PostgreSQL for the web tier"
  protection  = true                        # stateful: no plan may destroy it
}

for i in 1..=3 {
  vm "worker-${i}" : small {
    host     = pve1
    template = ubuntu-2404
    network lan { ip = auto }
    roles    = [roles.base]
  }
}

container dns-01 {
  host     = pve1
  template = os.debian_12_lxc
  storage  = local-lvm
  cores    = 1
  memory   = 512MiB
  disk     = 8GiB
  network lan { ip = 10.10.0.53 }
}
