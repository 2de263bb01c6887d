/*
 * arch/x86/pic.c - the two cascaded 8259A interrupt controllers.
 *
 * At reset the BIOS leaves the master on vectors 8-15, where they collide
 * with CPU exceptions.  pic_init reprograms both chips: master lines 0-7
 * to vectors 0x20-0x27, slave lines 8-15 to 0x28-0x2F, slave cascaded on
 * master line 2, edge triggered, 8086 mode, normal (not automatic) EOI.
 * Every line starts masked; arch_irq_line_enable unmasks one (and, for a
 * slave line, the cascade).
 *
 * Registers (Intel 8259A data sheet): command port 0x20 / 0xA0 takes ICW1,
 * OCW2 (EOI) and OCW3 (which of IRR / ISR a read returns, poll); data port
 * 0x21 / 0xA1 takes ICW2-4 and reads / writes the mask (IMR).
 *
 * IRR holds lines raised but not yet acknowledged: that is what
 * board_timer_pending needs.  ISR holds lines being serviced: a line
 * that dropped before the CPU acknowledged it is delivered as IRQ 7 (or
 * 15) with its ISR bit clear, a spurious interrupt (trap.c).
 */
#include "arch/arch.h"
#include "arch/x86/x86.h"

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xA0
#define PIC2_DATA 0xA1

#define ICW1_INIT         0x11 /* initialise, ICW4 follows, cascade, edge */
#define ICW4_8086         0x01
#define OCW2_EOI          0x20
#define OCW2_SPECIFIC_EOI 0x60 /* | line */
#define OCW3_READ_IRR     0x0A
#define OCW3_READ_ISR     0x0B
#define OCW3_POLL         0x0C
#define POLL_VALID        0x80 /* poll result: a line was acknowledged */
#define CASCADE           2

void pic_init(void)
{
    outb(PIC1_DATA, 0xFF);
    outb(PIC2_DATA, 0xFF);
    outb(PIC1_CMD, ICW1_INIT);
    io_wait();
    outb(PIC2_CMD, ICW1_INIT);
    io_wait();
    outb(PIC1_DATA, X86_IRQ_BASE); /* ICW2: vector base */
    io_wait();
    outb(PIC2_DATA, X86_IRQ_BASE + 8);
    io_wait();
    outb(PIC1_DATA, 1u << CASCADE); /* ICW3: slave on line 2 */
    io_wait();
    outb(PIC2_DATA, CASCADE); /* ICW3: slave identity */
    io_wait();
    outb(PIC1_DATA, ICW4_8086);
    io_wait();
    outb(PIC2_DATA, ICW4_8086);
    io_wait();
    outb(PIC1_DATA, (uint8_t) ~(1u << CASCADE));
    outb(PIC2_DATA, 0xFF);
}

static uint16_t data_port(unsigned irq)
{
    return irq < 8 ? PIC1_DATA : PIC2_DATA;
}

void arch_irq_line_enable(unsigned irq)
{
    unsigned long s;

    if (irq >= X86_NR_IRQ)
        return;
    s = arch_irq_save();
    outb(data_port(irq), inb(data_port(irq)) & (uint8_t) ~(1u << (irq % 8)));
    arch_irq_restore(s);
}

void arch_irq_line_disable(unsigned irq)
{
    unsigned long s;

    if (irq >= X86_NR_IRQ || irq == CASCADE)
        return;
    s = arch_irq_save();
    outb(data_port(irq), inb(data_port(irq)) | (uint8_t)(1u << (irq % 8)));
    arch_irq_restore(s);
}

void pic_eoi(unsigned irq)
{
    if (irq >= 8)
        outb(PIC2_CMD, OCW2_EOI);
    outb(PIC1_CMD, OCW2_EOI);
}

static uint8_t read_reg(unsigned irq, uint8_t ocw3)
{
    uint16_t cmd = irq < 8 ? PIC1_CMD : PIC2_CMD;

    outb(cmd, ocw3);
    return inb(cmd);
}

bool pic_pending(unsigned irq)
{
    return (read_reg(irq, OCW3_READ_IRR) >> (irq % 8)) & 1u;
}

bool pic_in_service(unsigned irq)
{
    return (read_reg(irq, OCW3_READ_ISR) >> (irq % 8)) & 1u;
}

/*
 * An edge-triggered request stays in IRR until the CPU acknowledges it;
 * masking the line does not clear it.  Acknowledge it here instead: with
 * every other master line masked, a poll command (OCW3) makes the next
 * read of the command port act as the CPU's interrupt acknowledge for the
 * highest pending unmasked line - ours, if it is pending - moving it from
 * IRR to ISR; a specific EOI then clears ISR.  No other line is touched.
 */
void pic_discard(unsigned irq)
{
    uint8_t mask;

    if (irq >= 8 || !pic_pending(irq))
        return;
    mask = inb(PIC1_DATA);
    outb(PIC1_DATA, (uint8_t) ~(1u << irq));
    outb(PIC1_CMD, OCW3_POLL);
    if (inb(PIC1_CMD) == (POLL_VALID | irq))
        outb(PIC1_CMD, (uint8_t)(OCW2_SPECIFIC_EOI | irq));
    outb(PIC1_DATA, mask);
}
