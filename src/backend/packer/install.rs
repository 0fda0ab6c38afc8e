//! What an unattended install from an ISO needs: the answers the installer fetches
//! from Packer's HTTP server (Ubuntu's autoinstall `user-data`, Debian's preseed) and
//! the keys Packer types at the boot menu to point the installer at them.
//!
//! The answers are HCL `templatefile()` templates: Packer fills in
//! `${ssh_authorized_key}` (the public half of the key it logs in with), so no
//! password exists at any point. Nothing else in them can hold `${` or `%{`: names
//! are DNS labels, addresses are addresses, and the time zone is an IANA name.

use crate::backend::GENERATED;
use crate::ir::{Image, Nic, Template};
use std::net::Ipv4Addr;

/// The user Packer logs in as while it builds; removed when the build ends.
pub const BUILD_USER: &str = "pxic";

/// The placeholder Packer's `templatefile()` fills with the public key.
pub const KEY_PLACEHOLDER: &str = "${ssh_authorized_key}";

/// An answer file served over HTTP: its path on the server and its template text.
pub struct Answer {
    pub name: &'static str,
    pub text: String,
}

/// The answer files and the boot command of an installer of this family; `None` for a
/// family pxic cannot install unattended (the checker reported it).
pub fn answers(
    template: &Template,
    image: &Image,
    nic: &Nic,
    dns: &[Ipv4Addr],
    time_zone: &str,
) -> Option<(Vec<Answer>, Vec<String>)> {
    let machine = Machine {
        name: &template.name,
        nic,
        dns,
        // The checker refuses any other name; this keeps a plan with errors harmless.
        zone: if crate::check::is_time_zone(time_zone) {
            time_zone
        } else {
            "Etc/UTC"
        },
    };
    match image.family.as_str() {
        "ubuntu" => Some((
            vec![
                Answer {
                    name: "meta-data",
                    text: format!("# {GENERATED}\ninstance-id: {}\n", machine.name),
                },
                Answer {
                    name: "user-data",
                    text: machine.autoinstall(),
                },
            ],
            machine.ubuntu_boot(),
        )),
        "debian" => Some((
            vec![Answer {
                name: "preseed.cfg",
                text: machine.preseed(),
            }],
            machine.debian_boot(),
        )),
        _ => None,
    }
}

/// The build VM as the installer sets it up: its name, its NIC, its name servers and
/// its time zone.
struct Machine<'a> {
    name: &'a str,
    nic: &'a Nic,
    dns: &'a [Ipv4Addr],
    zone: &'a str,
}

impl Machine<'_> {
    fn gateway(&self) -> String {
        self.nic.gateway.map_or(String::new(), |g| g.to_string())
    }

    /// The first name server: one is all a kernel argument can hold (a space would
    /// end it); the answers give them all.
    fn first_dns(&self) -> String {
        self.dns.first().map_or(String::new(), Ipv4Addr::to_string)
    }

    fn netmask(&self) -> Ipv4Addr {
        netmask(self.nic.prefix)
    }

    /// Ubuntu Server's autoinstall: a static address on the NIC with the build MAC,
    /// the SSH server, the guest agent and cloud-init, and the build user with
    /// Packer's key.
    fn autoinstall(&self) -> String {
        let (nic, dns) = (self.nic, self.dns);
        let dns_list = dns
            .iter()
            .map(|d| format!("\"{d}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let routes = nic.gateway.map_or(String::new(), |gw| {
            format!("        routes:\n          - to: \"default\"\n            via: \"{gw}\"\n")
        });
        let nameservers = if dns.is_empty() {
            String::new()
        } else {
            format!("        nameservers:\n          addresses: [{dns_list}]\n")
        };
        format!(
            "#cloud-config
# {generated}
# Packer serves this file through templatefile(), which fills in its SSH key.
autoinstall:
  version: 1
  locale: \"en_US.UTF-8\"
  keyboard:
    layout: \"us\"
  timezone: \"{timezone}\"
  network:
    version: 2
    ethernets:
      build:
        match:
          macaddress: \"{mac}\"
        addresses: [\"{address}/{prefix}\"]
{routes}{nameservers}  storage:
    layout:
      name: \"direct\"
  ssh:
    install-server: true
    allow-pw: false
  packages:
    - \"qemu-guest-agent\"
    - \"cloud-init\"
  late-commands:
    - \"curtin in-target -- systemctl enable qemu-guest-agent\"
  user-data:
    hostname: \"{hostname}\"
    users:
      - name: \"{user}\"
        shell: \"/bin/bash\"
        sudo: \"ALL=(ALL) NOPASSWD:ALL\"
        lock_passwd: true
        ssh_authorized_keys:
          - \"{key}\"
",
            mac = nic.mac.to_ascii_lowercase(),
            address = nic.address,
            prefix = nic.prefix,
            hostname = self.name,
            user = BUILD_USER,
            key = KEY_PLACEHOLDER,
            generated = GENERATED,
            timezone = self.zone,
        )
    }

    /// Debian's preseed: static network (given on the boot line too, since the
    /// installer needs it to fetch this file), one plain partition, the SSH server,
    /// the guest agent, cloud-init and sudo, and the build user with Packer's key and
    /// no password.
    fn preseed(&self) -> String {
        let gateway = self.gateway();
        let nameservers = super::space_separated(self.dns);
        let user = BUILD_USER;
        let key = KEY_PLACEHOLDER;
        format!(
            "# {generated}
# Packer serves this file through templatefile(), which fills in its SSH key.
d-i debian-installer/locale string en_US.UTF-8
d-i keyboard-configuration/xkb-keymap select us
d-i netcfg/choose_interface select auto
d-i netcfg/disable_autoconfig boolean true
d-i netcfg/get_ipaddress string {address}
d-i netcfg/get_netmask string {netmask}
d-i netcfg/get_gateway string {gateway}
d-i netcfg/get_nameservers string {nameservers}
d-i netcfg/confirm_static boolean true
d-i netcfg/get_hostname string {hostname}
d-i netcfg/get_domain string
d-i mirror/country string manual
d-i mirror/http/hostname string deb.debian.org
d-i mirror/http/directory string /debian
d-i mirror/http/proxy string
d-i clock-setup/utc boolean true
d-i time/zone string {timezone}
d-i passwd/root-login boolean false
d-i passwd/user-fullname string
d-i passwd/username string {user}
d-i passwd/user-password-crypted password !
d-i partman-auto/method string regular
d-i partman-auto/choose_recipe select atomic
d-i partman-partitioning/confirm_write_new_label boolean true
d-i partman/choose_partition select finish
d-i partman/confirm boolean true
d-i partman/confirm_nooverwrite boolean true
d-i apt-setup/cdrom/set-first boolean false
tasksel tasksel/first multiselect standard, ssh-server
d-i pkgsel/include string openssh-server qemu-guest-agent cloud-init sudo
d-i pkgsel/upgrade select none
popularity-contest popularity-contest/participate boolean false
d-i grub-installer/only_debian boolean true
d-i grub-installer/bootdev string default
d-i preseed/late_command string \\
    in-target install -d -m 0700 -o {user} -g {user} /home/{user}/.ssh; \\
    echo '{key}' > /target/home/{user}/.ssh/authorized_keys; \\
    in-target chown {user}:{user} /home/{user}/.ssh/authorized_keys; \\
    in-target chmod 0600 /home/{user}/.ssh/authorized_keys; \\
    echo '{user} ALL=(ALL) NOPASSWD:ALL' > /target/etc/sudoers.d/{user}; \\
    in-target chmod 0440 /etc/sudoers.d/{user}; \\
    in-target systemctl enable qemu-guest-agent
d-i finish-install/reboot_in_progress note
",
            address = self.nic.address,
            netmask = self.netmask(),
            hostname = self.name,
            generated = GENERATED,
            timezone = self.zone,
        )
    }

    /// GRUB on Ubuntu's live server ISO: edit the first entry, add the kernel
    /// arguments, boot with F10. `ip=` gives the installer its address before it
    /// fetches the answers.
    fn ubuntu_boot(&self) -> Vec<String> {
        let (gateway, dns0) = (self.gateway(), self.first_dns());
        vec![
            "<wait>e<wait><down><down><down><end>".to_string(),
            format!(
                " ip={}::{gateway}:{}:{}::none:{dns0} autoinstall ds=nocloud\\;s=http://{{{{ .HTTPIP }}}}:{{{{ .HTTPPort }}}}/",
                self.nic.address,
                self.netmask(),
                self.name
            ),
            "<f10>".to_string(),
        ]
    }

    /// Debian's netinst boot menu: the `auto` entry with the preseed's URL and the
    /// static network the installer needs to fetch it.
    fn debian_boot(&self) -> Vec<String> {
        let (gateway, dns0) = (self.gateway(), self.first_dns());
        vec![
            "<esc><wait>".to_string(),
            format!(
                "auto url=http://{{{{ .HTTPIP }}}}:{{{{ .HTTPPort }}}}/preseed.cfg netcfg/disable_autoconfig=true netcfg/get_ipaddress={} netcfg/get_netmask={} netcfg/get_gateway={gateway} netcfg/get_nameservers={dns0} netcfg/confirm_static=true netcfg/get_hostname={} netcfg/get_domain= <enter>",
                self.nic.address,
                self.netmask(),
                self.name
            ),
        ]
    }
}

/// `24` → `255.255.255.0`.
fn netmask(prefix: u8) -> Ipv4Addr {
    Ipv4Addr::from(crate::check::netmask_bits(prefix))
}

#[cfg(test)]
mod tests {
    use super::netmask;

    #[test]
    fn netmasks_follow_the_prefix() {
        assert_eq!(netmask(24).to_string(), "255.255.255.0");
        assert_eq!(netmask(0).to_string(), "0.0.0.0");
        assert_eq!(netmask(32).to_string(), "255.255.255.255");
        assert_eq!(netmask(20).to_string(), "255.255.240.0");
    }
}
