# `sysctl` keys become YAML keys of the inventory, which cannot be marked `!unsafe`:
# only kernel parameter names are accepted, so no Jinja can reach Ansible there.
# Values are one line of `/etc/sysctl.d/90-pxic.conf`: no line break in them.
cluster lab {
  endpoint = "https://10.0.0.2:8006/"
}

host pve1 {
  address = 10.0.0.2
  sysctl {
    "net.ipv4.ip_forward"                       = 1
    "net/ipv4/conf/eno1.50/rp_filter"           = 2
    "{{ lookup('pipe', 'touch /tmp/pwned') }}"  = 1
    "kernel.panic = 10\nvm.swappiness"          = 1
    "vm.swappiness"                             = "10\nkernel.core_pattern = |/tmp/x"
  }
}
