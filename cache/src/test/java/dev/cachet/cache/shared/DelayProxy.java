package dev.cachet.cache.shared;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy on the loopback interface that a test puts between the shared tier and Redis to make the network
 * slow ({@link #delay}: every chunk held back that long, in both directions) or silent ({@link #blackhole}: bytes
 * are swallowed, connections stay open), and to {@link #cut} every connection. Portable (no root, no namespaces).
 */
public final class DelayProxy implements AutoCloseable {

    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile long delayNanos;
    private volatile boolean blackhole;
    private volatile boolean closed;

    public DelayProxy(String target) throws IOException {
        String[] hp = target.split(":");
        this.targetHost = hp[0];
        this.targetPort = Integer.parseInt(hp[1]);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "it-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** {@code host:port} to connect to instead of the target. */
    public String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    public void delay(long millis) {
        delayNanos = TimeUnit.MILLISECONDS.toNanos(millis);
    }

    public void blackhole(boolean on) {
        blackhole = on;
    }

    /** Closes every open connection (new ones are still accepted). */
    public void cut() {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing is all that is wanted
            }
        }
        sockets.clear();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(targetHost, targetPort);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    long d = delayNanos;
                    if (d > 0) {
                        LockSupport.parkNanos(d); // the simulated network latency
                    }
                    if (!blackhole) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException ignored) {
                // a side closed: close the other
            } finally {
                try {
                    to.close();
                    from.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }, "it-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        cut();
    }
}
