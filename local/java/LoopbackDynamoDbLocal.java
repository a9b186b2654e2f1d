/*
 * DynamoDB Local bound to one interface. DynamoDB Local has no host option: its Jetty server listens
 * on every interface, and it accepts any credentials, so anyone on the network could read and change
 * the table. This launcher builds the server exactly as DynamoDB Local's own main does (same
 * command-line arguments), sets the host of its connectors, then starts it.
 * Run as a single-file source program: java -cp <DynamoDBLocal.jar and its lib> LoopbackDynamoDbLocal.java <args>
 * Host: the system property scim.dynamodb.host (default 127.0.0.1).
 *
 * It also indexes DynamoDB Local's stream records (indexStreamRecords, below). DynamoDB Local 1.25
 * keeps every stream record, those of deleted tables too for 24 hours, in one SQLite table (`us`)
 * whose only key is the sequence number, and every call on a table with a stream (a GetItem, each
 * item of a TransactWriteItems) describes that stream with `SELECT MIN(SequenceNumber) FROM us WHERE
 * StreamID = ?`: a scan of every record the instance holds (reading a shard filters on ShardID).
 * Calls slowed down as records piled up (after 10,000 records of a deleted table, a test file took
 * three to five times as long), so the test run's shared instance, a long `npm start` and the big
 * benches got slower and slower. Indexes on (StreamID, SequenceNumber) and (ShardID, SequenceNumber)
 * answer those queries; nothing else changes. If DynamoDB Local's insides differ from what this
 * expects, it runs as shipped and prints a warning (local/dynamodb-local.ts logs it).
 */
import com.almworks.sqlite4java.SQLiteConnection;
import com.almworks.sqlite4java.SQLiteJob;
import com.almworks.sqlite4java.SQLiteQueue;
import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

public class LoopbackDynamoDbLocal {
  public static void main(String[] args) throws Exception {
    String host = System.getProperty("scim.dynamodb.host", "127.0.0.1");
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    for (Connector connector : server.getConnectors()) {
      if (!(connector instanceof ServerConnector)) throw new IllegalStateException("unexpected connector " + connector);
      ((ServerConnector) connector).setHost(host);
    }
    indexStreamRecords(proxy);
    proxy.start();
  }

  /** CREATE INDEX on the stream records' stream and shard (see the header), through DynamoDB Local's own SQLite queue. */
  private static void indexStreamRecords(DynamoDBProxyServer proxy) {
    try {
      Object handler = field(proxy, "serverHandler");
      Object requests = field(handler, "primaryHandler");
      // The database behind every request (-sharedDb: one), made as the first request would make it.
      Method getHandler = requests.getClass().getDeclaredMethod("getHandler", String.class);
      getHandler.setAccessible(true);
      Object client = getHandler.invoke(requests, "shared-local-instance");
      SQLiteQueue queue = (SQLiteQueue) field(field(client, "dbAccess"), "queue");
      SQLiteJob<Void> job =
          queue.execute(
              new SQLiteJob<Void>() {
                @Override
                protected Void job(SQLiteConnection connection) throws Throwable {
                  connection.exec("CREATE INDEX IF NOT EXISTS scim_us_stream ON us (StreamID, SequenceNumber)");
                  connection.exec("CREATE INDEX IF NOT EXISTS scim_us_shard ON us (ShardID, SequenceNumber)");
                  return null;
                }
              });
      job.complete();
      if (job.getError() != null) throw job.getError();
    } catch (Throwable error) {
      System.err.println("warning: DynamoDB Local's stream records are not indexed (" + error + "); calls slow down as records pile up");
    }
  }

  private static Object field(Object owner, String name) throws ReflectiveOperationException {
    for (Class<?> type = owner.getClass(); type != null; type = type.getSuperclass()) {
      try {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(owner);
      } catch (NoSuchFieldException notHere) {
        // a superclass may declare it
      }
    }
    throw new NoSuchFieldException(owner.getClass().getName() + "." + name);
  }
}
