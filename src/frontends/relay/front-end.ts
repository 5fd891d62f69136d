// The outbound relay as a server part: no listeners, a worker that delivers the queue while
// `postlog serve` runs (relay.enabled: false keeps mail queued and sends nothing).
import type { FrontEnd, ServerContext, Started } from '../server.ts';
import { relaySettings } from './settings.ts';
import { RelayWorker } from './worker.ts';

export const relayFrontEnd: FrontEnd = {
  name: 'relay',
  async start({ runtime, config, logger }: ServerContext): Promise<Started> {
    if (!config.relay.enabled) {
      logger.info('outbound relay disabled: mail for other domains stays queued');
      return { listeners: [], close: async () => {} };
    }
    const worker = new RelayWorker(runtime, relaySettings(config), logger);
    worker.start();
    const { smarthost, dnsServers, port } = config.relay;
    logger.info(smarthost ? { smarthost } : { dnsServers: dnsServers.length ? dnsServers : 'system', port }, 'outbound relay started');
    return { listeners: [], close: () => worker.stop() };
  },
};
