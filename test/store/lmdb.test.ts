// The shared EventStore contract, on the embedded LMDB engine.
import { eventStoreContract } from './contract.ts';
import { openTempStorage } from './temp-storage.ts';

eventStoreContract('lmdb', async () => {
  const { storage, close } = await openTempStorage();
  return { store: storage.events, close };
});
