import {
  validateFieldNames,
  validateQuery,
  type Checkpoint,
  type Collection,
  type CollectionOptions,
  type Document,
  type DocumentStore,
  type DocumentWrite,
  type Filter,
  type FindQuery,
  type StoredDocument,
} from '@wharf/read-model';
import { MongoClient, MongoServerError, type AnyBulkWriteOperation, type Document as MongoDocument } from 'mongodb';
import { DELETED, POSITION, toMongoAfter, toMongoFilter, toMongoSort } from './mongo-query';

export type MongoDocumentStoreOptions = ({ url: string } | { client: MongoClient }) & { database: string };

const CHECKPOINTS = 'checkpoints';
const DUPLICATE_KEY = 11000;

interface StoredShape extends MongoDocument {
  _id: string;
  [POSITION]: number;
  [DELETED]?: boolean;
}

/** A stored Mongo document back into the port's shape: `_id` becomes `id`, bookkeeping fields go. */
const toDocument = <D extends Document>({ _id, [POSITION]: _position, [DELETED]: _deleted, ...fields }: StoredShape): D =>
  ({ id: _id, ...fields }) as unknown as D;

/**
 * Read models in MongoDB: one collection per read model, documents flattened with `_id`, `_position` and a
 * `_deleted` tombstone flag. Writes are conditional on `_position`, so a commit is safe without a transaction:
 * documents first, checkpoint last, and a redelivered or concurrent older write changes nothing.
 */
export const getMongoDocumentStore = (options: MongoDocumentStoreOptions): DocumentStore => {
  const ownsClient = 'url' in options;
  const client = 'client' in options ? options.client : new MongoClient(options.url);
  const db = client.db(options.database);

  const collection = <D extends Document>(name: string): Collection<D> => {
    // Queries are built from the port's filters at run time, so the collection is typed loosely here.
    const mongo = db.collection<MongoDocument>(name);
    return {
      name,
      async get(id) {
        const found = await mongo.findOne({ _id: id as never, [DELETED]: { $ne: true } });
        return found ? toDocument<D>(found as unknown as StoredShape) : null;
      },
      async find(query: FindQuery = {}) {
        validateQuery(query);
        if (query.limit === 0) return [];
        const sort = query.sort ?? [];
        const filter = toMongoFilter(query.where ?? []);
        const where = query.after ? { $and: [filter, toMongoAfter(sort, query.after)] } : filter;
        let cursor = mongo.find(where).sort(toMongoSort(sort));
        if (query.offset) cursor = cursor.skip(query.offset);
        if (query.limit !== undefined) cursor = cursor.limit(query.limit);
        return (await cursor.toArray()).map((doc) => toDocument<D>(doc as unknown as StoredShape));
      },
      async count(where: readonly Filter[] = []) {
        validateQuery({ where });
        return mongo.countDocuments(toMongoFilter(where));
      },
    };
  };

  const writeDocuments = async (name: string, writes: readonly DocumentWrite[]): Promise<void> => {
    const operations: AnyBulkWriteOperation<StoredShape>[] = writes.map((write) => {
      const { id: _id, ...fields } = write.doc ?? { id: write.id };
      const replacement = write.doc === null ? { [POSITION]: write.position, [DELETED]: true } : { ...fields, [POSITION]: write.position };
      return {
        replaceOne: {
          filter: { _id: write.id, [POSITION]: { $lt: write.position } },
          replacement: replacement as StoredShape,
          upsert: true,
        },
      };
    });
    try {
      await db.collection<StoredShape>(name).bulkWrite(operations, { ordered: false });
    } catch (error) {
      // An upsert whose position guard did not match collides with the newer document's _id: that write
      // is meant to change nothing. Any other failure is real.
      const writeErrors = (error as { writeErrors?: Array<{ code?: number }> }).writeErrors;
      const onlyStale = error instanceof MongoServerError && Array.isArray(writeErrors) && writeErrors.every((e) => e.code === DUPLICATE_KEY);
      if (!onlyStale) throw error;
    }
  };

  return {
    collection,
    async ensureCollection(name: string, collectionOptions: CollectionOptions = {}) {
      const mongo = db.collection(name);
      for (const fields of collectionOptions.indexes ?? []) {
        validateFieldNames(fields);
        await mongo.createIndex(Object.fromEntries(fields.map((field) => [field, 1])), { name: fields.join('__') });
      }
    },
    async dropCollection(name: string) {
      await db.collection(name).drop().catch((error: unknown) => {
        if (!(error instanceof MongoServerError && error.codeName === 'NamespaceNotFound')) throw error;
      });
      await db.collection(CHECKPOINTS).deleteOne({ _id: name as never });
    },
    async commit(writes: readonly DocumentWrite[], checkpoint?: Checkpoint) {
      const byCollection = new Map<string, DocumentWrite[]>();
      for (const write of writes) byCollection.set(write.collection, [...(byCollection.get(write.collection) ?? []), write]);
      for (const [name, collectionWrites] of byCollection) await writeDocuments(name, collectionWrites);
      if (checkpoint) {
        await db
          .collection<{ _id: string; position: number }>(CHECKPOINTS)
          .updateOne({ _id: checkpoint.name }, { $max: { position: checkpoint.position } }, { upsert: true });
      }
    },
    async readStored<D extends Document>(name: string, id: string): Promise<StoredDocument<D> | null> {
      const found = await db.collection<StoredShape>(name).findOne({ _id: id });
      if (!found) return null;
      return { doc: found[DELETED] ? null : toDocument<D>(found), position: found[POSITION] };
    },
    async readCheckpoint(name: string) {
      const found = await db.collection<{ _id: string; position: number }>(CHECKPOINTS).findOne({ _id: name });
      return found?.position ?? null;
    },
    async close() {
      if (ownsClient) await client.close();
    },
  };
};
