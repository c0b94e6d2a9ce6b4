/* A 16550A UART at COM1 (0x3f8, IRQ 4): the guest's serial console on zxvmm's stdin and stdout.
 * Transmit is immediate, so THR is always empty; received bytes wait in a FIFO. The interrupt
 * line (gated by MCR OUT2, as on a PC) follows IIR, and each rising edge is an IO APIC edge. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "machine.h"

enum { RBR_THR = 0, IER = 1, IIR_FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };
#define IER_RECEIVED      0x01
#define IER_THR_EMPTY     0x02
#define IIR_NONE          0x01
#define IIR_THR_EMPTY     0x02
#define IIR_RECEIVED      0x04
#define IIR_FIFO_ENABLED  0xc0
#define FCR_FIFO_ENABLE   0x01
#define LCR_DLAB          0x80
#define MCR_OUT2          0x08
#define MCR_LOOP          0x10
#define LSR_DATA_READY    0x01
#define LSR_THR_EMPTY     0x20
#define LSR_IDLE          0x40
#define MSR_IDLE          0xb0 /* DCD, DSR, CTS */
#define RX_FIFO_SIZE      1024
#define PANIC_TEXT        "Kernel panic - not syncing"

static struct {
    uint8_t ier, lcr, mcr, scr, fcr, dll, dlm;
    bool thr_empty_pending;
    bool line;
    uint8_t rx[RX_FIFO_SIZE];
    unsigned rx_head, rx_count;
    char text_line[160]; /* the current output line, to notice a kernel panic */
    unsigned text_len;
} uart;

static uint8_t iir(void) {
    uint8_t fifo = (uart.fcr & FCR_FIFO_ENABLE) ? IIR_FIFO_ENABLED : 0;
    if ((uart.ier & IER_RECEIVED) && uart.rx_count > 0)
        return fifo | IIR_RECEIVED;
    if ((uart.ier & IER_THR_EMPTY) && uart.thr_empty_pending)
        return fifo | IIR_THR_EMPTY;
    return fifo | IIR_NONE;
}

static void update_line(struct machine *m) {
    bool line = !(iir() & IIR_NONE) && (uart.mcr & MCR_OUT2);
    if (line && !uart.line)
        ioapic_raise(m, IRQ_COM1);
    uart.line = line;
}

static void transmit(struct machine *m, uint8_t byte) {
    /* A kick from the implementation (a signal) may interrupt the write: retry it. */
    while (write(STDOUT_FILENO, &byte, 1) < 0 && errno == EINTR)
        continue;
    if (byte == '\n' || uart.text_len == sizeof(uart.text_line) - 1) {
        uart.text_line[uart.text_len] = 0;
        if (strstr(uart.text_line, PANIC_TEXT) != NULL)
            m->kernel_panicked = true;
        uart.text_len = 0;
    } else {
        uart.text_line[uart.text_len++] = byte;
    }
}

static uint32_t uart_read(struct machine *m, uint16_t port, uint8_t size) {
    (void)size;
    uint8_t value = 0;
    switch (port - PORT_COM1) {
    case RBR_THR:
        if (uart.lcr & LCR_DLAB)
            return uart.dll;
        if (uart.rx_count > 0) {
            value = uart.rx[uart.rx_head];
            uart.rx_head = (uart.rx_head + 1) % RX_FIFO_SIZE;
            uart.rx_count--;
        }
        break;
    case IER: return (uart.lcr & LCR_DLAB) ? uart.dlm : uart.ier;
    case IIR_FCR:
        value = iir();
        if ((value & 0x0f) == IIR_THR_EMPTY)
            uart.thr_empty_pending = false; /* reading IIR acknowledges THR empty */
        break;
    case LCR: return uart.lcr;
    case MCR: return uart.mcr;
    case LSR: value = LSR_THR_EMPTY | LSR_IDLE | (uart.rx_count > 0 ? LSR_DATA_READY : 0); break;
    case MSR:
        if (uart.mcr & MCR_LOOP) /* loopback: the outputs come back on the inputs */
            return (uart.mcr & 0x02) << 3 | (uart.mcr & 0x01) << 5 | (uart.mcr & 0x04) << 4 |
                   (uart.mcr & 0x08) << 4;
        return MSR_IDLE;
    case SCR: return uart.scr;
    }
    update_line(m);
    return value;
}

static void uart_write(struct machine *m, uint16_t port, uint8_t size, uint32_t value) {
    (void)size;
    switch (port - PORT_COM1) {
    case RBR_THR:
        if (uart.lcr & LCR_DLAB) {
            uart.dll = value;
            return;
        }
        transmit(m, value);
        uart.thr_empty_pending = true;
        break;
    case IER:
        if (uart.lcr & LCR_DLAB) {
            uart.dlm = value;
            return;
        }
        /* Enabling the THR-empty interrupt while THR is empty raises it at once. */
        if ((value & IER_THR_EMPTY) && !(uart.ier & IER_THR_EMPTY))
            uart.thr_empty_pending = true;
        uart.ier = value & 0x0f;
        break;
    case IIR_FCR: uart.fcr = value & FCR_FIFO_ENABLE; break;
    case LCR: uart.lcr = value; break;
    case MCR: uart.mcr = value & 0x1f; break;
    case SCR: uart.scr = value; break;
    }
    update_line(m);
}

/* stdin to the receive FIFO, on its own thread; stops at end of input. */
static void *receive_thread(void *arg) {
    struct machine *m = arg;
    uint8_t buffer[256];
    for (;;) {
        ssize_t count = read(STDIN_FILENO, buffer, sizeof(buffer));
        if (count < 0 && errno == EINTR)
            continue;
        if (count <= 0)
            return NULL;
        for (ssize_t i = 0; i < count;) {
            pthread_mutex_lock(&m->lock);
            for (; i < count && uart.rx_count < RX_FIFO_SIZE; i++)
                uart.rx[(uart.rx_head + uart.rx_count++) % RX_FIFO_SIZE] = buffer[i];
            update_line(m);
            pthread_mutex_unlock(&m->lock);
            if (i < count)
                usleep(1000); /* the guest has not drained the FIFO yet */
        }
    }
}

void uart_attach(struct machine *m) {
    io_bus_register(PORT_COM1, 8, "uart", uart_read, uart_write);
    pthread_t thread;
    if (pthread_create(&thread, NULL, receive_thread, m) == 0)
        pthread_detach(thread);
}
