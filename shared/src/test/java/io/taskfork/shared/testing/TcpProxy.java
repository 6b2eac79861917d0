package io.taskfork.shared.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on a loopback port that a test can cut and restore: an outage of the service behind
 * it, seen only by the clients that connect through it, while the shared service itself stays up.
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;
    private volatile boolean stalled;

    private TcpProxy(ServerSocket server, InetSocketAddress target) {
        this.server = server;
        this.target = target;
        daemon(this::acceptLoop, "proxy-accept-" + server.getLocalPort()).start();
    }

    /** A proxy to {@code host:port}, listening on a free loopback port. */
    public static TcpProxy to(String host, int port) throws IOException {
        return new TcpProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), new InetSocketAddress(host, port));
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Breaks every connection through the proxy and refuses new ones until {@link #restore()}. */
    public void cut() {
        cut = true;
        open.forEach(TcpProxy::closeQuietly);
        open.clear();
    }

    public void restore() {
        cut = false;
        stalled = false;
    }

    /**
     * Passes nothing on any more, either way, and closes nothing: a service that stopped answering
     * while its connections stay open, as behind a network that drops every packet.
     */
    public void stall() {
        stalled = true;
    }

    @Override
    public void close() {
        cut();
        closeQuietly(server);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (cut) {
                    client.close();
                    continue;
                }
                Socket upstream = new Socket();
                upstream.connect(target, 5_000);
                open.add(client);
                open.add(upstream);
                daemon(() -> pump(client, upstream), "proxy-up").start();
                daemon(() -> pump(upstream, client), "proxy-down").start();
            } catch (IOException e) {
                // the server socket closed, or the target refused: the client sees a closed connection
            }
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                while (stalled && !cut) {
                    Thread.sleep(20);
                }
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException e) {
            // one side went away: close both below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private static Thread daemon(Runnable body, String name) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // closed either way
        }
    }
}
