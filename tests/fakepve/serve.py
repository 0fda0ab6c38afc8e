"""Serve a fake Proxmox VE 9 API (fakepve) for one test, seeded from a scenario file.

    target/fakepve-venv/bin/python tests/fakepve/serve.py SCENARIO.json

SCENARIO.json:
    host     the loopback address to listen on (port 8006), one per test
    ca_dir   where the CA the client must trust is written, as pve.crt
    tokens   {"user@realm!name": "secret"}: API tokens that authenticate
    grants   [[token-or-user, path, [privileges]]]: once any is given, only these hold
             (root@pam's tokens always may do anything)
    guests   as `python -m fakepve` reads them: vmid, name, node, type ("lxc"),
             template, status, config
    fail     [[method, path-suffix, status, message, times]]: answer with an error
    version  the Proxmox VE version to report (default 9.0.10)
    offline  node names to take offline
    drop_nodes  node names the cluster does not have (after the guests are added)
    storages {name: storage.cfg options}: replaces the stock `local` and `local-lvm`
             (e.g. {"type": "dir", "content": "iso,import", "path": "/var/lib/vz"};
             "active": 0 takes one offline, "disable": 1 disables it, "nodes": "pve2"
             limits it)
    bridges  {node: [names]}: the bridges `GET /nodes/{node}/network` lists for a node
             (stock: vmbr0 on eno1, for a node not named here)
    volumes  [[storage, content, file name, bytes]]: files already on a storage, after
             `storages` (e.g. ["local", "import", "noble.qcow2", 600000000], a cloud
             image the host playbook downloaded)

Besides fakepve's own API, it answers PUT /nodes/{node}/qemu/{vmid}/resize as PVE does
(a task that grows the disk's volume and its size= in the config; shrinking fails),
which fakepve 0.5.0 accepts but does not store, and GET /nodes/{node}/network with
the scenario's bridges. A VM config update that adds a disk as `<storage>:<GiB>`
allocates it, as PVE does (fakepve 0.5.0 does so only when the VM is created).

Prints "listening on https://HOST:8006" once it answers; runs until killed.
"""

import asyncio
import json
import os
import sys

from fakepve import FakePve
from fakepve.certs import make_cert
from fakepve.lxc import SIZE_UNITS, format_size
from fakepve.model import PveError, TaskError
from fakepve.qemu import DRIVE_KEY, NEW_DISK, join_drive, split_drive


class ScenarioPve(FakePve):
    """fakepve with the qemu disk resize it lacks, and each node's bridges as the
    scenario says (fakepve answers one stock list for every node)."""

    bridges = {}

    def _routes_scenario_network(self):
        return [('GET', '/nodes/{node}/network', self._scenario_network)]

    async def _scenario_network(self, v, user):
        names = self.bridges.get(v['node'])
        if names is None:
            names = ['vmbr0']
        interfaces = [{'iface': name, 'type': 'bridge', 'method': 'manual', 'families': ['inet'],
                       'active': 1, 'autostart': 1, 'exists': 1, 'bridge_ports': '',
                       'bridge_stp': 'off', 'bridge_fd': '0', 'priority': 3} for name in names]
        interfaces.append({'iface': 'eno1', 'type': 'eth', 'method': 'manual', 'families': ['inet'],
                           'active': 1, 'exists': 1, 'priority': 2})
        return interfaces

    async def _apply_config(self, vm, user, p):
        for key, value in list(p.items()):
            if DRIVE_KEY.match(key) and isinstance(value, str) and NEW_DISK.match(split_drive(value)[0]):
                p[key], _ = self._qm_new_drive(vm.vmid, key, value, None)
        return await super()._apply_config(vm, user, p)

    def _routes_scenario_resize(self):
        return [('PUT', '/nodes/{node}/qemu/{vmid}/resize', self._qm_resize)]

    async def _qm_resize(self, v, user):
        vm = self.find(v['node'], v['vmid'])
        self.require(user, '/vms/{0}'.format(vm.vmid), 'VM.Config.Disk')
        key, size = v['disk'], str(v['size'])
        if key not in vm.config:
            raise PveError(500, 'disk {0!r} does not exist'.format(key))
        volume, props = split_drive(vm.config[key])
        grow = size.startswith('+')
        number, unit = (size.lstrip('+')[:-1], size[-1]) if size[-1] in SIZE_UNITS else (size.lstrip('+'), None)
        amount = int(float(number) * (SIZE_UNITS[unit] if unit else 1))
        old = _bytes(props.get('size', '0'))
        new = old + amount if grow else amount
        if new < old:
            raise PveError(500, "unable to shrink disk size")

        async def body():
            if vm.lock:
                raise TaskError('VM is locked ({0})'.format(vm.lock))
            vol = self._qm_volume(volume)
            if vol is not None:
                vol['size'] = new
            vm.config[key] = join_drive(volume, dict(props, size=format_size(new)))
        return await self.task(vm.node, 'resize', vm.vmid, user, body, vm=vm, lock=False)


def _bytes(text):
    unit = text[-1] if text and text[-1] in SIZE_UNITS else None
    return int(float(text[:-1] if unit else text or 0) * (SIZE_UNITS[unit] if unit else 1))


def seed(pve, scenario):
    if 'storages' in scenario:
        pve.storages = dict((name, dict(options, files=set()))
                            for name, options in scenario['storages'].items())
    for storage, content, name, size in scenario.get('volumes', []):
        pve.store_file(storage, name, size, content)
    for token, secret in scenario.get('tokens', {}).items():
        pve.apitokens[token] = secret
    for who, path, privileges in scenario.get('grants', []):
        pve.grant(who, path, *privileges)
    for guest in scenario.get('guests', []):
        common = dict(node=guest.get('node', 'pve1'), status=guest.get('status', 'stopped'),
                      config=guest.get('config', {}), template=guest.get('template', False))
        if guest.get('type') == 'lxc':
            pve.add_ct(guest['vmid'], guest.get('name'), **common)
        else:
            pve.add_vm(guest['vmid'], guest['name'], **common)
    for method, suffix, status, message, times in scenario.get('fail', []):
        pve.fail(method, suffix, status, message, times=times)
    if 'version' in scenario:
        pve.version = scenario['version']
        pve.release_version = '.'.join(scenario['version'].split('.')[:2])
    for node in scenario.get('offline', []):
        pve.set_node_offline(node)
    for node in scenario.get('drop_nodes', []):
        pve.nodes.pop(node, None)
    pve.bridges = scenario.get('bridges', {})


async def main(path):
    with open(path, encoding='utf-8') as f:
        scenario = json.load(f)
    pve = ScenarioPve(host=scenario['host'])
    pve.time_scale = 0
    seed(pve, scenario)
    os.makedirs(scenario['ca_dir'], exist_ok=True)
    certfile, keyfile, _ = make_cert(scenario['ca_dir'], 'pve', hosts=(scenario['host'],))
    await pve.start(certfile, keyfile)
    print('listening on https://{0}:{1}'.format(pve.host, pve.port), flush=True)
    await asyncio.Event().wait()


if __name__ == '__main__':
    asyncio.run(main(sys.argv[1]))
