# std.roles: roles that configure Debian and Ubuntu guests after they are created.
#
# `use std.roles`, then `roles = [roles.base, roles.ssh_hardening]` in a VM, or
# `roles = [roles.essentials]` in a container (`ssh_hardening` turns root logins off, and
# Ansible logs in to containers as root: PXI0382).
# The roles install Debian packages and write files under /etc/apt and /etc/ssh, so they
# are for Debian and Ubuntu guests (`os = [debian, ubuntu]`: pxic refuses them on Rocky
# Linux and AlmaLinux, PXI0376): there, write your own.
#
# Roles run in the order a guest lists them, each after the roles it `depends` on.

# The baseline for every guest, VM or container: automatic security updates and a
# few tools. `roles.base` adds the QEMU guest agent for VMs; containers use this one.
role essentials {
  description = "Unattended security upgrades and everyday tools."
  os          = [debian, ubuntu]
  packages    = ["unattended-upgrades", "ca-certificates", "curl", "htop", "vim", "less", "bash-completion"]

  # Turns on the daily apt timers: refresh the package lists, apply the upgrades that
  # /etc/apt/apt.conf.d/50unattended-upgrades allows (security updates, by default), and
  # clean the package cache weekly.
  file "/etc/apt/apt.conf.d/20auto-upgrades" {
    content = "APT::Periodic::Update-Package-Lists \"1\";\nAPT::Periodic::Unattended-Upgrade \"1\";\nAPT::Periodic::AutocleanInterval \"7\";\n"
    mode    = "0644"
    owner   = "root"
    restart = []          # read by apt's daily timers: nothing to restart
  }
}

# The baseline for every VM: `roles.essentials` and the QEMU guest agent (which lets
# Proxmox read the VM's addresses and shut it down cleanly). It is for VMs only: the
# guest agent cannot start in a container, which has no virtio-serial port, so pxic
# refuses it on a container (PXI0375): give containers `roles.essentials`.
role base {
  description = "Guest agent, unattended security upgrades and everyday tools."
  fits        = vm
  os          = [debian, ubuntu]
  depends     = [essentials]
  packages    = ["qemu-guest-agent"]
  services    = ["qemu-guest-agent"]
}

# Key-only SSH: no passwords, no root login, fewer tries, dead connections dropped.
# A drop-in under sshd_config.d, read before the rest of the configuration. sshd keeps
# the first value it reads for each keyword, and the file name sorts before cloud-init's
# 50-cloud-init.conf and Ubuntu's 60-cloudimg-settings.conf, so these settings win.
# sshd is restarted when the file changes (open sessions stay up). Give every user an
# SSH key (`user … { ssh_keys = [...] }`) before applying it. Not for a container, which
# Ansible reaches as root (PXI0382), nor for a Proxmox node: the nodes of a cluster log
# in to each other as root.
role ssh_hardening {
  description = "Key-only SSH: no password or root login, fewer auth tries."
  os          = [debian, ubuntu]
  packages    = ["openssh-server"]

  file "/etc/ssh/sshd_config.d/10-pxic-hardening.conf" {
    content = "# Managed by pxic (std.roles.ssh_hardening).\nPermitRootLogin no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitEmptyPasswords no\nPubkeyAuthentication yes\nAuthenticationMethods publickey\nMaxAuthTries 3\nLoginGraceTime 30\nX11Forwarding no\nClientAliveInterval 300\nClientAliveCountMax 2\n"
    mode    = "0644"
    owner   = "root"
    restart = ["ssh"]     # the service's name on Debian and Ubuntu
  }
}

# A host firewall (ufw) that lets SSH in. Every `firewall { }` block of the guest's
# roles adds its ports to the same ufw; other roles that open ports depend on this one,
# so that SSH stays open when ufw comes up.
role firewall {
  description = "ufw host firewall, with SSH (22/tcp) allowed."
  os          = [debian, ubuntu]
  packages    = ["ufw"]
  services    = ["ufw"]
  firewall { allow = [22] }
}

# Docker Engine from the distribution, with the Compose v2 plugin (`docker compose`).
# `docker-compose-v2` is Ubuntu's package name (22.04 and 24.04); Debian packages Compose
# as `docker-compose`, which is the plugin only from Debian 13 on. Note that ports
# published by containers bypass ufw. In a container, Docker needs
# `features { nesting = true, keyctl = true }`.
role docker {
  description = "Docker Engine (docker.io) and the Compose v2 plugin."
  os          = [debian, ubuntu]
  packages    = ["docker.io", "docker-compose-v2"]
  services    = ["docker"]
}

# nginx from the distribution, serving HTTP and HTTPS.
role nginx {
  description = "nginx web server, with 80/tcp and 443/tcp open."
  os          = [debian, ubuntu]
  depends     = [firewall]
  packages    = ["nginx"]
  services    = ["nginx"]
  firewall { allow = [80, 443] }
}

# The Prometheus node exporter: host metrics on http://<guest>:9100/metrics. The port
# is open to anyone who can reach the guest: to limit it to your Prometheus server,
# write your own role with `firewall { allow = [9100], from = [10.10.0.5/32] }`.
role node_exporter {
  description = "Prometheus node exporter, with 9100/tcp open."
  os          = [debian, ubuntu]
  depends     = [firewall]
  packages    = ["prometheus-node-exporter"]
  services    = ["prometheus-node-exporter"]
  firewall { allow = [9100] }
}
