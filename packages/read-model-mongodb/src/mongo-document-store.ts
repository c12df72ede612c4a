import {
  InvalidQueryError,
  validateQuery,
  type Checkpoint,
  type Collection,
  type Document,
  type DocumentStore,
  type DocumentWrite,
  type FindQuery,
  type Scalar,
  type StoredDocument,
} from '@wharf/read-model';
import {
  MongoBulkWriteError,
  MongoClient,
  MongoServerError,
  type AnyBulkWriteOperation,
  type ClientSession,
  type Db,
  type Document as MongoDocument,
} from 'mongodb';
import { checkFieldNames, checkQuery, DELETED, findFilter, POSITION, RESERVED_FIELDS, toMongoFilter, toMongoSort } from './mongo-query';

export type MongoDocumentStoreOptions = { url: string; database: string } | { client: MongoClient; database: string };

/** The checkpoints live beside the read models, so a collection cannot take this name. */
const CHECKPOINTS = 'checkpoints';
/** The same names the SQLite adapter accepts, so a service can move between the two. */
const COLLECTION = /^[a-z][a-z0-9_]*$/;
const DUPLICATE_KEY = 11000;
const NAMESPACE_NOT_FOUND = 26;

interface StoredShape extends MongoDocument {
  _id: string;
  [POSITION]: number;
  [DELETED]?: true;
}

interface CheckpointShape {
  _id: string;
  position: number;
}

const checkCollectionName = (name: string): string => {
  if (!COLLECTION.test(name) || name === CHECKPOINTS) throw new InvalidQueryError(`Invalid collection name ${JSON.stringify(name)}`);
  return name;
};

/** A document flattened beside `_id` and `_position` (its `id` stays too, so filters and sorts on `id` work). */
const toStored = (write: DocumentWrite): StoredShape => {
  if (write.doc === null) return { _id: write.id, [POSITION]: write.position, [DELETED]: true };
  const reserved = Object.keys(write.doc).find((field) => RESERVED_FIELDS.includes(field));
  if (reserved !== undefined) throw new Error(`Document ${write.id} in ${write.collection} uses the reserved field ${reserved}`);
  return { ...write.doc, _id: write.id, [POSITION]: write.position };
};

/** A stored document back in the port's shape: the adapter's bookkeeping fields go. */
const toDocument = <D extends Document>({ _id, [POSITION]: _position, [DELETED]: _deleted, ...fields }: StoredShape): D =>
  fields as unknown as D;

/**
 * The position guard as one server-side update: replace the stored document only when its position is lower (a
 * fresh upsert has none, and a missing field compares as null, below every number). Filtering on `_id` alone
 * means a stale write matches and changes nothing instead of failing with a duplicate key, which matters inside
 * a transaction, where any write error aborts it. `$literal` keeps document values such as "$x" from being read
 * as expressions.
 */
const guardedWrite = (write: DocumentWrite): AnyBulkWriteOperation<StoredShape> => ({
  updateOne: {
    filter: { _id: write.id },
    update: [
      { $replaceWith: { $cond: { if: { $lt: [`$${POSITION}`, write.position] }, then: { $literal: toStored(write) }, else: '$$ROOT' } } },
    ],
    upsert: true,
  },
});

/**
 * The operations that lost a race to insert the same new `_id`: two upserts that both found nothing both insert,
 * and the second fails with a duplicate key. Retried, they find the document and go through the guard. Undefined
 * when the error is anything else (a write concern error included), which the caller rethrows.
 */
const racedInserts = (error: unknown): number[] | undefined => {
  if (!(error instanceof MongoBulkWriteError) || error.result.getWriteConcernError() !== undefined) return undefined;
  const writeErrors = [error.writeErrors].flat();
  if (writeErrors.length === 0 || writeErrors.some((writeError) => writeError.code !== DUPLICATE_KEY)) return undefined;
  return writeErrors.map((writeError) => writeError.index);
};

const inSession = (session: ClientSession | undefined): { session?: ClientSession } => (session ? { session } : {});

/** Whether the deployment runs transactions: a replica set or a sharded cluster, not a standalone server. */
const transactionsSupported = async (db: Db): Promise<boolean> => {
  const hello = await db.admin().command({ hello: 1 });
  return typeof hello.setName === 'string' || hello.msg === 'isdbgrid';
};

/**
 * Read models in MongoDB (4.4 or later): a collection per read model, documents stored flat with `_id`,
 * `_position` and, for tombstones, `_deleted`. On a replica set a commit is one transaction; on a standalone
 * server it writes the documents first and the checkpoint last, which the position guard makes safe: a crash in
 * between replays the batch, and replayed writes change nothing.
 */
export const getMongoDocumentStore = (options: MongoDocumentStoreOptions): DocumentStore => {
  const ownsClient = 'url' in options;
  const client = 'url' in options ? new MongoClient(options.url) : options.client;
  const db = client.db(options.database);
  const stored = (name: string) => db.collection<StoredShape>(checkCollectionName(name));
  const checkpoints = db.collection<CheckpointShape>(CHECKPOINTS);

  let transactions: Promise<boolean> | undefined;
  const useTransactions = (): Promise<boolean> => {
    transactions ??= transactionsSupported(db).catch((error: unknown) => {
      transactions = undefined; // ask again next time rather than remember a network failure
      throw error;
    });
    return transactions;
  };

  const collection = <D extends Document>(name: string): Collection<D> => {
    const mongo = stored(name);
    /** The stored documents `find` gives, whole or with only the `projection`'s fields. */
    const matching = async (query: FindQuery, projection?: Record<string, 1>) => {
      validateQuery(query);
      checkQuery(query);
      // MongoDB reads a limit of 0 as "no limit".
      if (query.limit === 0) return [];
      return mongo
        .find(findFilter(query), {
          sort: toMongoSort(query.sort ?? []),
          ...(query.offset ? { skip: query.offset } : {}),
          ...(query.limit !== undefined ? { limit: query.limit } : {}),
          ...(projection ? { projection } : {}),
        })
        .toArray();
    };
    return {
      name,
      async get(id) {
        const found = await mongo.findOne({ _id: id, [DELETED]: { $ne: true } });
        return found ? toDocument<D>(found) : null;
      },
      async find(query: FindQuery = {}) {
        return (await matching(query)).map((doc) => toDocument<D>(doc));
      },
      async values(field: string, query: FindQuery = {}) {
        checkFieldNames([field]);
        return (await matching(query, { [field]: 1 })).map((doc) => (doc[field] ?? null) as Scalar);
      },
      async count(where = []) {
        validateQuery({ where });
        checkQuery({ where });
        return mongo.countDocuments(toMongoFilter(where));
      },
      async sum(field: string, where = []) {
        validateQuery({ where });
        checkQuery({ where });
        checkFieldNames([field]);
        const [total] = await mongo.aggregate<{ total: number }>([{ $match: toMongoFilter(where) }, { $group: { _id: null, total: { $sum: `$${field}` } } }]).toArray();
        return total?.total ?? 0;
      },
    };
  };

  const writeCollection = async (name: string, writes: readonly DocumentWrite[], session: ClientSession | undefined): Promise<void> => {
    const operations = writes.map(guardedWrite);
    try {
      await stored(name).bulkWrite(operations, { ordered: false, ...inSession(session) });
    } catch (error) {
      // Inside a transaction the error has aborted it already: let withTransaction or the caller retry the batch.
      const raced = session ? undefined : racedInserts(error);
      if (!raced) throw error;
      await stored(name).bulkWrite(
        raced.map((index) => operations[index]!),
        { ordered: false },
      );
    }
  };

  const apply = async (writes: readonly DocumentWrite[], positions: readonly Checkpoint[], session?: ClientSession): Promise<void> => {
    const byCollection = new Map<string, DocumentWrite[]>();
    for (const write of writes) byCollection.set(write.collection, [...(byCollection.get(write.collection) ?? []), write]);
    for (const [name, collectionWrites] of byCollection) await writeCollection(name, collectionWrites, session);
    // Last, so that without a transaction no checkpoint runs ahead of the documents.
    for (const checkpoint of positions) {
      await checkpoints.updateOne({ _id: checkpoint.name }, { $max: { position: checkpoint.position } }, { upsert: true, ...inSession(session) });
    }
  };

  return {
    collection,
    async ensureCollection(name, collectionOptions = {}) {
      const mongo = stored(name);
      for (const fields of collectionOptions.indexes ?? []) {
        checkFieldNames(fields);
        // `_id` last, the sort's tie-breaker, so a sorted page is read from the index in order.
        const keys = Object.fromEntries([...fields.map((field) => [field, 1] as const), ['_id', 1] as const]);
        await mongo.createIndex(keys, { name: `ix__${fields.join('__')}` });
      }
    },
    async dropCollection(name) {
      const mongo = stored(name);
      // The checkpoint first: should the drop then fail, a rebuild from the first event over the old documents
      // still converges, whereas a kept checkpoint over an emptied collection would skip events for good.
      await checkpoints.deleteOne({ _id: name });
      await mongo.drop().catch((error: unknown) => {
        // Servers before 7.0 refuse to drop a collection that does not exist; there is nothing to drop then.
        if (!(error instanceof MongoServerError && error.code === NAMESPACE_NOT_FOUND)) throw error;
      });
    },
    async commit(writes, positions = []) {
      if (writes.length === 0 && positions.length <= 1) {
        if (positions.length === 1) await apply([], positions);
        return;
      }
      if (!(await useTransactions())) return apply(writes, positions);
      // withTransaction retries the callback on transient errors; the guarded writes make that harmless.
      await client.withSession((session) => session.withTransaction(() => apply(writes, positions, session)));
    },
    async readStored<D extends Document>(name: string, id: string): Promise<StoredDocument<D> | null> {
      const found = await stored(name).findOne({ _id: id });
      if (!found) return null;
      return { doc: found[DELETED] ? null : toDocument<D>(found), position: found[POSITION] };
    },
    async readCheckpoint(name) {
      const found = await checkpoints.findOne({ _id: name });
      return found?.position ?? null;
    },
    async close() {
      if (ownsClient) await client.close();
    },
  };
};
