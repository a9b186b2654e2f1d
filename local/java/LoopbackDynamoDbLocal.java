/*
 * DynamoDB Local bound to one interface. DynamoDB Local has no host option: its Jetty server listens
 * on every interface, and it accepts any credentials, so anyone on the network could read and change
 * the table. This launcher builds the server exactly as DynamoDB Local's own main does (same
 * command-line arguments), sets the host of its connectors, then starts it.
 * Run as a single-file source program: java -cp <DynamoDBLocal.jar and its lib> LoopbackDynamoDbLocal.java <args>
 * Host: the system property scim.dynamodb.host (default 127.0.0.1).
 */
import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.lang.reflect.Field;
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
    proxy.start();
  }
}
