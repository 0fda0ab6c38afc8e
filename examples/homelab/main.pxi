# The homelab: one Proxmox host, one network, a few VMs.
#
# `pxic check examples/homelab` checks it; the other files hold the hosts and the VMs.

use std.os          # cloud images and installer ISOs
use std.roles       # essentials, base, ssh_hardening, firewall, docker, nginx, node_exporter

cluster homelab {
  endpoint = "https://10.10.0.2:8006/"
  token    = env("PROXMOX_VE_API_TOKEN")    # a secret: never written into any artifact
  vmids    = 100 .. 999
  # No subscription here: the host playbook disables the enterprise repositories
  # (they answer 401) and adds Proxmox's no-subscription one.
  repository = no-subscription
}

network lan {
  cidr    = 10.10.0.0/24
  gateway = 10.10.0.1
  dns     = [10.10.0.1]                     # the router (vms.pxi)
  bootstrap_dns = [1.1.1.1]                 # for the router itself and build VMs
  pool    = 10.10.0.100 .. 10.10.0.199      # addresses handed out for `ip = auto`
}

# Smart plugs and cameras, kept apart on VLAN 20 of the same wire; the router
# routes (and filters) between it and lan.
network iot {
  cidr    = 10.20.0.0/24
  gateway = 10.20.0.1                       # the router's VLAN 20 sub-interface
  vlan    = 20
  pool    = 10.20.0.100 .. 10.20.0.199
}

# The ISP box's side: the router's WAN port asks it for an address (`ip = dhcp`).
network wan {
  cidr = 192.168.1.0/24
}

profile small {
  cores  = 2
  memory = 2GiB
  disk   = 20GiB
  user admin { ssh_keys = [file("keys/admin.pub")], sudo = true }   # Ansible logs in as admin
}
profile medium : small { cores = 4, memory = 8GiB }
