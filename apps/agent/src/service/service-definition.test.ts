import { describe, expect, it } from 'vitest';
import { launchdPlist, renderServiceDefinition, serviceFile, systemdUnit, windowsTaskXml, type ServiceSpec } from './service-definition.js';

const spec = (args: string[]): ServiceSpec => ({ node: '/usr/bin/node', script: '/opt/agent/marketplace-agent.mjs', args, home: '/home/ana/agent', description: 'marketplace deploy agent\nInjected=1' });

describe('service definitions', () => {
  it('keeps every systemd ExecStart argument one word, with no specifier or variable expansion', () => {
    const unit = systemdUnit(spec(['run', '--home', '/home/ana/my agent', '--maildir', '/srv/100%/$HOME/"x"\\y']));
    expect(unit).toContain('ExecStart="/usr/bin/node" "/opt/agent/marketplace-agent.mjs" "run" "--home" "/home/ana/my agent" "--maildir" "/srv/100%%/$$HOME/\\"x\\"\\\\y"');
    // a line break in the description cannot add a directive
    expect(unit).toContain('Description=marketplace deploy agent Injected=1\n');
    expect(unit.split('\n').filter((line) => line.startsWith('Injected'))).toEqual([]);
  });

  it('escapes XML in the launchd plist and the scheduled task', () => {
    const hostile = spec(['run', '--home', '/Users/a&b/<agent>']);
    expect(launchdPlist(hostile)).toContain('<string>/Users/a&amp;b/&lt;agent&gt;</string>');
    expect(windowsTaskXml(hostile, 'ACME\\ana')).toContain('<UserId>ACME\\ana</UserId>');
  });

  it('quotes Windows arguments as CommandLineToArgvW reads them back', () => {
    const task = windowsTaskXml(spec(['run', '--home', 'C:\\Users\\Ana Maria\\agent\\', '--maildir', 'say "hi"']), 'ana');
    expect(task).toContain('<Arguments>/opt/agent/marketplace-agent.mjs run --home &quot;C:\\Users\\Ana Maria\\agent\\\\&quot; --maildir &quot;say \\&quot;hi\\&quot;&quot;</Arguments>');
  });

  it('writes the task XML as UTF-16 with a byte order mark, and each file where its manager looks', () => {
    const bytes = renderServiceDefinition('win32', spec(['run']), 'ana');
    expect([...bytes.subarray(0, 2)]).toEqual([0xff, 0xfe]);
    expect(bytes.subarray(2).toString('utf16le')).toMatch(/^<\?xml version="1.0" encoding="UTF-16"\?>/);
    expect(serviceFile('linux', { XDG_CONFIG_HOME: '/x' }, '/home/ana')).toBe('/x/systemd/user/marketplace-agent.service');
    expect(serviceFile('linux', {}, '/home/ana')).toBe('/home/ana/.config/systemd/user/marketplace-agent.service');
    expect(serviceFile('darwin', {}, '/Users/ana')).toBe('/Users/ana/Library/LaunchAgents/com.marketplace.agent.plist');
  });
});
